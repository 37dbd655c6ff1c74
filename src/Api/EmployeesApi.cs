using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>The employee directory for operators: who may text the service, and in which time zone. Needs the admin key.</summary>
public static class EmployeesApi
{
    public static RouteGroupBuilder MapEmployeesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/employees").WithAdminConventions();
        group.MapPut("/{phone}", PutEmployee).WithSummary("Registers (201) or updates (200) the employee texting from this number (and emailing from their email).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{phone}", GetEmployee).WithSummary("The employee registered at this number.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{phone}", DeleteEmployee).WithSummary("Removes the number from the directory; the timesheet is kept.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    internal static async Task<Results<Created<Employee>, Ok<Employee>, ProblemHttpResult>> PutEmployee(
        string phone, EmployeeRequest? request, IGrainFactory grains, IOptions<WebhookOptions> webhook)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return PhoneParameter.Invalid();
        }

        var profile = new EmployeeProfile(request?.EmployeeId?.Trim() ?? "", request?.Name?.Trim() ?? "", NullIfBlank(request?.TimeZone))
        {
            Email = NullIfBlank(request?.Email),
        };
        if (profile.Problem() is { } problem)
        {
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
        }

        var grain = grains.GetGrain<IEmployeeGrain>(e164);
        var registration = await grain.Register(profile);
        if (registration == EmployeeRegistration.EmailTaken)
        {
            return TypedResults.Problem(
                "email is registered for another employee: a mail from it can join one conversation only. Change or remove theirs first.",
                statusCode: StatusCodes.Status409Conflict);
        }

        var employee = (await grain.Get())!;
        return registration == EmployeeRegistration.Created
            ? TypedResults.Created($"/admin/employees/{Uri.EscapeDataString(e164)}", employee)
            : TypedResults.Ok(employee);
    }

    internal static async Task<Results<Ok<Employee>, ProblemHttpResult>> GetEmployee(
        string phone, IGrainFactory grains, IOptions<WebhookOptions> webhook)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return PhoneParameter.Invalid();
        }

        var employee = await grains.GetGrain<IEmployeeGrain>(e164).Get();
        return employee is null
            ? TypedResults.Problem("No employee is registered at this number.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(employee);
    }

    /// <summary>Idempotent: removing a number nobody is registered at is also 204, so an operator's retry is harmless.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteEmployee(
        string phone, IGrainFactory grains, IOptions<WebhookOptions> webhook)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return PhoneParameter.Invalid();
        }

        await grains.GetGrain<IEmployeeGrain>(e164).Remove();
        return TypedResults.NoContent();
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>
/// PUT /admin/employees/{phone}: <c>{"name": "...", "employeeId": "...", "timeZone": "Australia/Sydney", "email": "ann@example.com"}</c>
/// (time zone and email optional; without an email, mail from the employee is not answered).
/// </summary>
public sealed record EmployeeRequest(string? Name, string? EmployeeId, string? TimeZone, string? Email = null);
