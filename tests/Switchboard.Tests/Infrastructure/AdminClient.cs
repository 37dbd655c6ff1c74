using Microsoft.AspNetCore.Mvc.Testing;

namespace Switchboard.Tests.Infrastructure;

public static class AdminClient
{
    /// <summary>A client of the test host that sends the admin key, as an operator's tools would.</summary>
    public static HttpClient CreateAdminClient(this WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", SwitchboardFactory.AdminKey);
        return client;
    }
}
