using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Employees;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Employees;

[Collection(ClusterCollection.Name)]
public sealed class EmployeeImportTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Registers_the_employees_of_the_file_and_skips_bad_entries()
    {
        var (alice, bob) = (TestSms.NewPhone(), TestSms.NewPhone());
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, $$"""
            [
              { "phone": "{{alice}}", "name": "Alice Smith", "employeeId": "imp-{{alice}}", "timeZone": "Europe/London" },
              { "phone": "{{bob}}", "name": "Bob", "employeeId": "imp-{{bob}}" },
              { "phone": "0412 345 678", "name": "No Country Code", "employeeId": "imp-bad" },
              { "phone": "+15550199999", "name": "No Id" },
            ]
            """);
        try
        {
            var import = new EmployeeImport(
                Options.Create(new EmployeeOptions { ImportPath = path }), fixture.Grains, new StartedHost(), NullLogger<EmployeeImport>.Instance);

            await import.StartAsync(CancellationToken.None);
            await import.ExecuteTask!;

            Assert.Equal(new Employee(alice, $"imp-{alice}", "Alice Smith", "Europe/London"), await fixture.Grains.GetGrain<IEmployeeGrain>(alice).Get());
            Assert.Equal("Australia/Sydney", (await fixture.Grains.GetGrain<IEmployeeGrain>(bob).Get())!.TimeZone);
            Assert.Null(await fixture.Grains.GetGrain<IEmployeeGrain>("+15550199999").Get());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class StartedHost : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
