using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using Switchboard.Contracts;
using Switchboard.Hosting;
using SiloOptions = Switchboard.Hosting.SiloOptions;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Outbound;
using Switchboard.Grains.Retention;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Silo;

/// <summary>The silo: Azure Storage for grain state and reminders, clustering by Orleans:Clustering (ClusterHosting), the dashboard.</summary>
public static class SiloHosting
{
    public static WebApplicationBuilder UseSwitchboardSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var silo = builder.ReadClusterOptions<SiloOptions>();

        // One client (one connection pool) for grain state, reminders, membership and the conversation history.
        var tables = ClusterHosting.StorageTables(configuration);
        // Keyed by the ServiceId in force (Kubernetes hosting may set it from ORLEANS_SERVICE_ID), like grain state.
        builder.Services.AddSingleton(tables); // the storage watch's probe writes through it too
        builder.Services.AddSingleton<IConversationHistory>(sp => new TableConversationHistory(tables, ServiceId(sp)));
        builder.Services.AddSingleton<IRetentionStore>(sp =>
            new TableRetentionStore(tables, ServiceId(sp), GrainStateTable(sp), sp.GetRequiredService<IGrainFactory>()));
        builder.Services.AddHostedService<RetentionStart>();
        builder.Services.AddTableKeyRing(tables); // the console's cookies, readable by every host of the service

        // Grain state: Orleans' Azure Table storage under a name of its own, behind the row keys of each grain's own.
        // Runs while the silo starts, before it joins (a lifecycle participant): see OwnRowKeyMigration.
        builder.Services.AddSingleton(sp => new OwnRowKeyMigration(tables, ServiceId(sp), GrainStateTable(sp),
            silo.Mode == ClusteringMode.AzureStorage ? () => sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId : null,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OwnRowKeyMigration>>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<OwnRowKeyMigration>());
        builder.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.State, (sp, _) => new OwnRowKeyGrainStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(TableStorage), sp.GetRequiredService<OwnRowKeyMigration>()));
        builder.UseOrleans(orleans =>
        {
            orleans.UseSwitchboardClustering(silo, tables);
            if (silo.Kubernetes)
            {
                // POD_NAME, POD_NAMESPACE, POD_IP (set by the manifests): silo name, namespace, advertised address.
                orleans.UseKubernetesHosting();
            }

            orleans.AddAzureTableGrainStorage(TableStorage, options => options.Configure<Serializer>((o, serializer) =>
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

    /// <summary>The name Orleans' Azure Table grain storage is registered under; grains use <see cref="OwnRowKeyGrainStorage"/>.</summary>
    public const string TableStorage = "table";

    private static string ServiceId(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;

    private static string GrainStateTable(IServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(TableStorage).TableName;

    /// <summary>
    /// Orleans refuses reminders shorter than a minute unless told otherwise. Tests and demos (Development) tick
    /// faster; elsewhere a shorter period is a configuration mistake and stops the host at once.
    /// </summary>
    private static TimeSpan MinimumReminderPeriod(IConfiguration configuration, bool isDevelopment)
    {
        var conversation = configuration.GetSection(ConversationOptions.Section).Get<ConversationOptions>() ?? new ConversationOptions();
        var outbound = configuration.GetSection(OutboundOptions.Section).Get<OutboundOptions>() ?? new OutboundOptions();
        var timesheet = configuration.GetSection(TimesheetOptions.Section).Get<TimesheetOptions>() ?? new TimesheetOptions();
        var retention = configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions();
        var oneMinute = TimeSpan.FromMinutes(1);
        TimeSpan[] periods = [conversation.ReminderPeriod, outbound.ReminderPeriod, timesheet.ReminderCheckPeriod, retention.SweepPeriod, oneMinute];
        var shortest = periods.Min();
        if (shortest < oneMinute && !isDevelopment)
        {
            throw new InvalidOperationException(
                "Conversation:ReminderPeriod, Outbound:ReminderPeriod, Timesheet:ReminderCheckPeriod and Retention:SweepPeriod must be at least 00:01:00 outside Development.");
        }

        return shortest;
    }
}
