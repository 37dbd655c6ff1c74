using System.ComponentModel.DataAnnotations;
using Switchboard.Api.Ops;

namespace Switchboard.Tests.Ops;

/// <summary>Ops:TraceUrl: what an operator may configure as the console's trace link, and the link it makes.</summary>
public sealed class OpsOptionsTests
{
    [Fact]
    public void The_trace_id_goes_where_the_template_says()
    {
        var options = new OpsOptions { TraceUrl = "https://jaeger.example.com/trace/{traceId}?uiFind=x" };

        Assert.Empty(Problems(options));
        Assert.Equal("https://jaeger.example.com/trace/0af7651916cd43dd8448eb211c80319c?uiFind=x", options.TraceLink("0af7651916cd43dd8448eb211c80319c"));
    }

    [Fact]
    public void Without_a_template_there_is_no_link()
    {
        Assert.Null(new OpsOptions().TraceLink("0af7651916cd43dd8448eb211c80319c"));
        Assert.Empty(Problems(new OpsOptions()));
    }

    [Theory]
    [InlineData("https://jaeger.example.com/search", "must contain {traceId}")]
    [InlineData("javascript:alert('{traceId}')", "absolute http or https URL")]
    [InlineData("/trace/{traceId}", "absolute http or https URL")]
    public void A_template_that_cannot_make_a_web_link_is_refused_with_the_key_named(string template, string problem)
    {
        var message = Assert.Single(Problems(new OpsOptions { TraceUrl = template }));

        Assert.Contains("Ops:TraceUrl", message);
        Assert.Contains(problem, message);
    }

    private static List<string> Problems(OpsOptions options) =>
        [.. options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage ?? "")];
}
