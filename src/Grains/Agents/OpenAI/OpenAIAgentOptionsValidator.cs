using Microsoft.Extensions.Options;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Fails the start of a silo configured for the OpenAI provider without a usable endpoint or model, with messages
/// that name the configuration key, instead of failing on the first SMS.
/// </summary>
public sealed class OpenAIAgentOptionsValidator : IValidateOptions<OpenAIAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenAIAgentOptions options)
    {
        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            failures.Add($"{OpenAIAgentOptions.Section}:Endpoint is required when Agents:Provider=OpenAI: the base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:1234/v1.");
        }
        else if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            failures.Add($"{OpenAIAgentOptions.Section}:Endpoint must be an absolute http or https URL, e.g. http://127.0.0.1:1234/v1.");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add($"{OpenAIAgentOptions.Section}:Model is required when Agents:Provider=OpenAI: the model name the endpoint serves, e.g. gpt-4o-mini.");
        }

        if (options.TimeoutSeconds is < 1 or > 600)
        {
            failures.Add($"{OpenAIAgentOptions.Section}:TimeoutSeconds must be between 1 and 600.");
        }

        if (options.InputPricePerMillion is < 0 || options.OutputPricePerMillion is < 0)
        {
            failures.Add($"{OpenAIAgentOptions.Section}:InputPricePerMillion and OutputPricePerMillion must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
