using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Switchboard.Contracts;
using Switchboard.Grains.Employees;
using Switchboard.Grains.Outbound;
using Switchboard.Silo;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// Grain state as versions before 2026-12 stored it: under the state name alone as row key, written straight through
/// the storage beneath <see cref="OwnRowKeyGrainStorage"/> (registered as <see cref="SiloHosting.TableStorage"/>).
/// </summary>
public static class OldRowKeys
{
    public static Task StoreAcceptedReplyAsync(IServiceProvider silo, string id, OutboundSms message)
    {
        var at = DateTimeOffset.UtcNow;
        return StoreAsync(silo, OutboundSmsGrain.StateName, silo.GetRequiredService<IGrainFactory>().GetGrain<IOutboundSmsGrain>(id).GetGrainId(), new OutboundState
        {
            Message = message,
            Status = DeliveryStatus.Accepted,
            CreatedAt = at,
            TwilioSid = "SM" + new string('7', 32),
            Attempts = [new OutboundAttempt(at, nameof(SendOutcome.Accepted), 201, null, null)],
        });
    }

    public static Task StoreEmployeeAsync(IServiceProvider silo, string phone, string employeeId, string name) =>
        StoreAsync(silo, "employee", silo.GetRequiredService<IGrainFactory>().GetGrain<IEmployeeGrain>(phone).GetGrainId(),
            new EmployeeState { EmployeeId = employeeId, Name = name });

    private static Task StoreAsync<T>(IServiceProvider silo, string stateName, GrainId grainId, T state) =>
        silo.GetRequiredKeyedService<IGrainStorage>(SiloHosting.TableStorage).WriteStateAsync(stateName, grainId, new GrainState<T>(state));
}
