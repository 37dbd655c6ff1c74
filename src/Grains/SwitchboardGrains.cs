using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Summary;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Tokens;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Employees;
using Switchboard.Grains.Guard;
using Switchboard.Grains.Outbound;
using Switchboard.Grains.Retention;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Grains;

/// <summary>Registers what the grains need in a silo's container: options, agent steps, the SMS sender.</summary>
public static class SwitchboardGrains
{
    public static IServiceCollection AddSwitchboardGrains(this IServiceCollection services, IConfiguration configuration, bool isDevelopment)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(EmployeeGrain.ReminderClock, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.TryAddKeyedSingleton(RetentionGrain.Clock, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.AddTwilioOptions(configuration);
        services.AddValidatedOptions<AgentOptions>(configuration, AgentOptions.Section);
        services.AddValidatedOptions<ConversationOptions>(configuration, ConversationOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversationOptions>, ConversationStorageBudget>());
        services.AddValidatedOptions<OutboundOptions>(configuration, OutboundOptions.Section);
        services.AddValidatedOptions<RetentionOptions>(configuration, RetentionOptions.Section);
        services.AddValidatedOptions<GuardOptions>(configuration, GuardOptions.Section);
        services.TryAddSingleton<CountryGuard>();
        // A local silo runs without a key; elsewhere a missing one stops the host at start.
        services.AddValidatedOptions<PrivacyOptions>(configuration, PrivacyOptions.Section)
            .PostConfigure(o => o.HashKey = isDevelopment && string.IsNullOrEmpty(o.HashKey) ? PrivacyOptions.DevelopmentHashKey : o.HashKey);

        services.AddValidatedOptions<BrandingOptions>(configuration, BrandingOptions.Section);
        services.AddValidatedOptions<QualityOptions>(configuration, QualityOptions.Section);
        services.AddValidatedOptions<TimesheetOptions>(configuration, TimesheetOptions.Section);
        services.AddOptions<EmployeeOptions>().Bind(configuration.GetSection(EmployeeOptions.Section))
            .Configure(o => o.DefaultRegion = configuration["Webhook:DefaultRegion"] ?? o.DefaultRegion).ValidateOnStart();
        services.AddHostedService<EmployeeImport>();
        services.TryAddSingleton<SiloActivity>();
        services.AddHostedService<SiloActivityReporter>();

        services.AddAgentProviders(configuration);
        services.TryAddSingleton<DailyTokenBudget>();
        services.AddHostedService<DailyTokenBudgetReporter>();
        services.AddSingleton<Branding>();
        services.AddSingleton<ReplyCheck>();
        services.AddSingleton<Refiner>();
        services.AddSingleton<PlannerStep>();
        services.AddSingleton<TimesheetStep>();
        services.AddSingleton<ComposerStep>();
        services.AddSingleton<BrandingStep>();
        services.AddSingleton<QualityStep>();
        services.AddSingleton(AgentPipeline.Standard);

        services.AddTransient<TwilioApiBaseUrlHandler>();
        services.AddHttpClient(TwilioSmsSender.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<OutboundOptions>>().Value.RequestTimeout)
            .AddHttpMessageHandler<TwilioApiBaseUrlHandler>();
        var twilio = configuration.GetSection(TwilioOptions.Section).Get<TwilioOptions>() ?? new TwilioOptions();
        if (twilio.IsEnabled(isDevelopment))
        {
            services.AddOptions<TwilioOptions>().Validate(
                o => o.AccountSid is { Length: > 0 } && (o.FromNumber is { Length: > 0 } || o.MessagingServiceSid is { Length: > 0 }),
                "Twilio is enabled: set Twilio:AccountSid and Twilio:FromNumber or Twilio:MessagingServiceSid (or Twilio:Enabled=false for the dev outbox).");
            services.AddSingleton<ISmsSender, TwilioSmsSender>();
        }
        else
        {
            services.AddSingleton<ISmsSender, DevOutbox>();
            if (isDevelopment && twilio.Enabled is null && DevOutboxNotice.LooksReal(twilio.AccountSid))
            {
                services.AddHostedService<DevOutboxNotice>();
            }
        }

        AddEmailSender(services, configuration);
        return services;
    }

    /// <summary>Email:Enabled: replies by email go through SendGrid; otherwise to the dev outbox (like Twilio:Enabled=false).</summary>
    private static void AddEmailSender(IServiceCollection services, IConfiguration configuration)
    {
        services.AddEmailOptions(configuration);
        if (configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() is not { Enabled: true })
        {
            services.AddSingleton<IEmailSender, DevOutbox>();
            return;
        }

        services.AddHttpClient(SendGridEmailSender.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<OutboundOptions>>().Value.RequestTimeout);
        services.AddSingleton<IEmailSender, SendGridEmailSender>();
    }
}
