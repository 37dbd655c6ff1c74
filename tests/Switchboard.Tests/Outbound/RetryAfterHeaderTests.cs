using System.Net.Http.Headers;
using Switchboard.Grains.Outbound;

namespace Switchboard.Tests.Outbound;

public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2", 2)]
    [InlineData("Mon, 30 Nov 2026 12:00:07 GMT", 7)]
    public void Seconds_and_HTTP_dates_are_read_as_a_wait_from_now(string header, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.From(Headers(header), Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("Mon, 30 Nov 2026 11:59:00 GMT")]
    [InlineData("soon")]
    public void No_wait_when_absent_past_or_unreadable(string? header)
    {
        Assert.Null(RetryAfterHeader.From(Headers(header), Now));
    }

    private static HttpResponseHeaders Headers(string? retryAfter)
    {
        var response = new HttpResponseMessage();
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response.Headers;
    }
}
