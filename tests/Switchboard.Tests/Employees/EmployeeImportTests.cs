using System.Reflection;
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
        var path = await WriteFileAsync($$"""
            [
              { "phone": "{{alice}}", "name": "Alice Smith", "employeeId": "imp-{{alice}}", "timeZone": "Europe/London" },
              { "phone": "({{bob[2..5]}}) {{bob[5..8]}}-{{bob[8..]}}", "name": "Bob", "employeeId": "imp-{{bob}}" },
              { "phone": "not a number", "name": "No Number", "employeeId": "imp-bad" },
              { "phone": "+15550199999", "name": "No Id" },
            ]
            """);
        try
        {
            await ImportAsync(path, fixture.Grains);

            Assert.Equal(new Employee(alice, $"imp-{alice}", "Alice Smith", "Europe/London"), await fixture.Grains.GetGrain<IEmployeeGrain>(alice).Get());
            // Written in national format: keyed by the same E.164 number the webhook gives Bob's texts.
            Assert.Equal("Australia/Sydney", (await fixture.Grains.GetGrain<IEmployeeGrain>(bob).Get())!.TimeZone);
            Assert.Null(await fixture.Grains.GetGrain<IEmployeeGrain>("+15550199999").Get());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_registration_that_fails_is_logged_and_the_import_goes_on()
    {
        var (failing, carol) = (TestSms.NewPhone(), TestSms.NewPhone());
        var path = await WriteFileAsync($$"""
            [
              { "phone": "{{failing}}", "name": "Storage Down", "employeeId": "imp-{{failing}}" },
              { "phone": "{{carol}}", "name": "Carol", "employeeId": "imp-{{carol}}" },
            ]
            """);
        try
        {
            await ImportAsync(path, FailingRegistrations.For(fixture.Grains, failing));

            Assert.Null(await fixture.Grains.GetGrain<IEmployeeGrain>(failing).Get());
            Assert.Equal("Carol", (await fixture.Grains.GetGrain<IEmployeeGrain>(carol).Get())!.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> WriteFileAsync(string json)
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private static async Task ImportAsync(string path, IGrainFactory grains)
    {
        var import = new EmployeeImport(
            Options.Create(new EmployeeOptions { ImportPath = path }), grains, new StartedHost(), NullLogger<EmployeeImport>.Instance);

        await import.StartAsync(CancellationToken.None);
        await import.ExecuteTask!; // Throws if an exception escaped, which would stop the host.
    }

    /// <summary>The cluster's grain factory, except that registering the given number fails as if storage were down.</summary>
    public class FailingRegistrations : DispatchProxy
    {
        private object _target = null!;
        private string _failingPhone = null!;

        public static IGrainFactory For(IGrainFactory grains, string failingPhone)
        {
            var proxy = Create<IGrainFactory, FailingRegistrations>();
            ((FailingRegistrations)(object)proxy)._target = grains;
            ((FailingRegistrations)(object)proxy)._failingPhone = failingPhone;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IEmployeeGrain.Register))
            {
                return Task.FromException<EmployeeRegistration>(new TimeoutException($"Storage did not answer for {_failingPhone}."));
            }

            var result = targetMethod.Invoke(_target, args);
            if (result is IEmployeeGrain && args is [string phone, ..] && phone == _failingPhone)
            {
                var grain = Create<IEmployeeGrain, FailingRegistrations>();
                ((FailingRegistrations)(object)grain)._target = result;
                ((FailingRegistrations)(object)grain)._failingPhone = _failingPhone;
                return grain;
            }

            return result;
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
