using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchboard.Contracts;

public static class ValidatedOptions
{
    /// <summary>Binds a configuration section, checks its data annotations, and stops the host at start when they fail.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>Used by both halves of a co-hosted silo (Api and Grains): bound and validated once.</summary>
    public static IServiceCollection AddTwilioOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<TwilioOptions>)))
        {
            services.AddValidatedOptions<TwilioOptions>(configuration, TwilioOptions.Section);
        }

        return services;
    }

    /// <summary>The email channel's settings, read by the Api (inbound) and the grains (outbound): bound and validated once.</summary>
    public static IServiceCollection AddEmailOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<EmailOptions>)))
        {
            services.AddValidatedOptions<EmailOptions>(configuration, EmailOptions.Section);
        }

        return services;
    }
}
