using System.ComponentModel.DataAnnotations;
using Azure.Data.Tables;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using Switchboard.Contracts;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Outbound;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Silo;

/// <summary>The silo: Azure Storage for grain state and reminders, localhost clustering, the dashboard.</summary>
public static class SiloHosting
{
    public const string StorageConnectionName = "AzureStorage";

    public static WebApplicationBuilder UseSwitchboardSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var silo = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        Validate(silo);
        var storage = configuration.GetConnectionString(StorageConnectionName);
        if (string.IsNullOrWhiteSpace(storage))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:AzureStorage is not set (environment: ConnectionStrings__AzureStorage). ./run.sh starts Azurite and sets it.");
        }

        // One client (one connection pool) for grain state and reminders.
        var tables = new TableServiceClient(storage, StorageClientOptions());
        builder.Services.AddSingleton<IConversationHistory>(new TableConversationHistory(tables, silo.ServiceId));
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = silo.ClusterId;
                o.ServiceId = silo.ServiceId;
            });
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            orleans.AddAzureTableGrainStorage(StorageNames.State, options => options.Configure<Serializer>((o, serializer) =>
            {
                o.TableServiceClient = tables;
                // Orleans' own format names types by their [Alias] (the default JSON embeds CLR type names), so renaming
                // a state class or namespace never orphans what is stored.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
            orleans.UseAzureTableReminderService(o => o.TableServiceClient = tables);
            var minimumReminderPeriod = MinimumReminderPeriod(configuration, builder.Environment.IsDevelopment());
            orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = minimumReminderPeriod);
            orleans.AddDashboard();

            // Grain calls carry the caller's trace context (W3C traceparent in the request context) and, when tracing
            // is exported, appear as spans of the "Microsoft.Orleans.Application" source (see Telemetry).
            orleans.AddActivityPropagation();
        });
        return builder;
    }

    /// <summary>
    /// The SDK's defaults (100 s per try, 3 retries) let a hung storage account hold a write, and the grain waiting on
    /// it, for minutes. A table operation answers in milliseconds when storage is well and in a few seconds when it is
    /// saturated, so 8 s per try and two retries free the grain within about 25 s; the webhook's own deadline
    /// (Webhook:AcceptTimeout) and the storage watch see a hang sooner.
    /// </summary>
    public static TableClientOptions StorageClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(8);
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        return options;
    }

    /// <summary>
    /// Orleans refuses reminders shorter than a minute unless told otherwise. Tests and demos (Development) tick
    /// faster; elsewhere a shorter period is a configuration mistake and stops the host at once.
    /// </summary>
    private static TimeSpan MinimumReminderPeriod(IConfiguration configuration, bool isDevelopment)
    {
        var conversation = configuration.GetSection(ConversationOptions.Section).Get<ConversationOptions>() ?? new ConversationOptions();
        var outbound = configuration.GetSection(OutboundOptions.Section).Get<OutboundOptions>() ?? new OutboundOptions();
        var timesheet = configuration.GetSection(TimesheetOptions.Section).Get<TimesheetOptions>() ?? new TimesheetOptions();
        var oneMinute = TimeSpan.FromMinutes(1);
        TimeSpan[] periods = [conversation.ReminderPeriod, outbound.ReminderPeriod, timesheet.ReminderCheckPeriod, oneMinute];
        var shortest = periods.Min();
        if (shortest < oneMinute && !isDevelopment)
        {
            throw new InvalidOperationException(
                "Conversation:ReminderPeriod, Outbound:ReminderPeriod and Timesheet:ReminderCheckPeriod must be at least 00:01:00 outside Development.");
        }

        return shortest;
    }

    private static void Validate(SiloOptions silo)
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(silo, new ValidationContext(silo), errors, validateAllProperties: true))
        {
            throw new InvalidOperationException($"Invalid {SiloOptions.Section} settings: {string.Join(" ", errors.Select(e => e.ErrorMessage))}");
        }
    }
}
