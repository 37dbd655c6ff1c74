using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchboard.LoadTest;

/// <summary>One message a fake Twilio accepted, as GET Messages.json lists it.</summary>
public sealed record ListedMessage(string Sid, string To, string? From, string Body, string? MessagingServiceSid, DateTimeOffset Created);

/// <summary>
/// GET /2010-04-01/Accounts/{sid}/Messages.json as Twilio answers it, for the fake Twilio servers (this tool's and the
/// test suite's, one copy of the shape): filters To, From, DateSent / DateSent&gt;= / DateSent&lt;= (by the GMT day,
/// as Twilio reads them; the SDK sends the keys "DateSent&gt;" and "DateSent&lt;"), pages by PageSize and Page, newest
/// first, dates in RFC 2822. The fakes send every message at once: date_sent is date_created.
/// </summary>
public static class TwilioMessageList
{
    private const int DefaultPageSize = 50;

    private const int MaxPageSize = 1000;

    /// <summary>The page of <paramref name="accepted"/> (in the order accepted) that the request's query asks for.</summary>
    public static IResult Read(string accountSid, HttpRequest request, IEnumerable<ListedMessage> accepted)
    {
        var query = request.Query;
        if (!TryDay(query["DateSent"], out var on) || !TryDay(query["DateSent>"], out var from) || !TryDay(query["DateSent<"], out var until)
            || !TryInt(query["PageSize"], DefaultPageSize, out var pageSize) || !TryInt(query["Page"], 0, out var page)
            || pageSize is < 1 or > MaxPageSize || page < 0)
        {
            return Results.Json(new { code = 20001, message = "Invalid query", more_info = "https://www.twilio.com/docs/errors/20001", status = 400 }, statusCode: 400);
        }

        var to = query["To"].ToString();
        var sender = query["From"].ToString();
        bool Sent(DateOnly day) => (on is null || day == on) && (from is null || day >= from) && (until is null || day <= until);
        var messages = accepted.Reverse()
            .Where(m => (to.Length == 0 || m.To == to) && (sender.Length == 0 || m.From == sender) && Sent(Day(m.Created)))
            .Skip(page * pageSize).Take(pageSize + 1).ToList();
        var hasNext = messages.Count > pageSize;
        if (hasNext)
        {
            messages.RemoveAt(pageSize);
        }

        var path = request.Path.Value;
        string PageUri(int n) => path + QueryString.Create(
            query.Where(p => p.Key is not ("Page" or "PageSize")).Append(new("PageSize", $"{pageSize}")).Append(new("Page", $"{n}")));
        return Results.Json(new
        {
            messages = messages.Select(m => new
            {
                sid = m.Sid,
                account_sid = accountSid,
                to = m.To,
                from = m.From,
                messaging_service_sid = m.MessagingServiceSid,
                body = m.Body,
                status = "sent",
                direction = "outbound-api",
                num_segments = "1",
                date_created = Rfc2822(m.Created),
                date_updated = Rfc2822(m.Created),
                date_sent = Rfc2822(m.Created),
                api_version = "2010-04-01",
                uri = $"/2010-04-01/Accounts/{accountSid}/Messages/{m.Sid}.json",
            }),
            page,
            page_size = pageSize,
            start = page * pageSize,
            end = page * pageSize + Math.Max(messages.Count - 1, 0),
            uri = PageUri(page),
            first_page_uri = PageUri(0),
            next_page_uri = hasNext ? PageUri(page + 1) : null,
            previous_page_uri = page > 0 ? PageUri(page - 1) : null,
        });
    }

    private static string Rfc2822(DateTimeOffset at) => at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>YYYY-MM-DD, or a full ISO date and time (what the SDK sends) of which Twilio keeps the day.</summary>
    private static bool TryDay(string? value, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return false;
        }

        day = Day(at);
        return true;
    }

    private static bool TryInt(string? value, int fallback, out int number)
    {
        number = fallback;
        return string.IsNullOrEmpty(value) || int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
