using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// How plans and outcome facts look as JSON to the model: camelCase, enums by name (a model reads and writes
/// "Log" far more reliably than 2), nulls left out of the facts.
/// </summary>
internal static class AgentJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // A quoted "8" is still eight hours; integers for enums are refused so 7 cannot become an intent.
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
        };
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }
}
