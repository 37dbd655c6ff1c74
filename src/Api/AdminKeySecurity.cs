using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Switchboard.Api;

/// <summary>
/// Declares the admin key in the OpenAPI document: an apiKey security scheme (header X-Api-Key) required by every
/// /admin operation, so clients generated from /openapi/v1.json and the reference page (/scalar) send it.
/// </summary>
internal sealed class AdminKeySecurity : IOpenApiDocumentTransformer
{
    public const string SchemeId = "AdminKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AdminKeyFilter.Header,
            Description = "Admin:ApiKey. Without it (or with another value) every /admin call answers 401.",
        };

        var admin = document.Paths.Where(p => p.Key.StartsWith("/admin/", StringComparison.Ordinal)).SelectMany(p => p.Value.Operations ?? []);
        foreach (var (_, operation) in admin)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, document)] = [] });
        }

        return Task.CompletedTask;
    }
}
