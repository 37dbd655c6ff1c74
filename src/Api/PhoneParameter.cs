using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Api;

/// <summary>The one answer every endpoint with a {phone} in its route gives when it is not a phone number.</summary>
internal static class PhoneParameter
{
    public static ProblemHttpResult Invalid() =>
        TypedResults.Problem("Not a phone number; use E.164, URL-encoded (%2B15550100001).", statusCode: StatusCodes.Status400BadRequest);
}
