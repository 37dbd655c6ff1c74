using System.Globalization;
using System.Text;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// The system prompts of the OpenAI provider. The planner's restates the SMS grammar (README, "What you can text") so a
/// model accepts at least what the Rules provider does.
/// </summary>
internal static class AgentPrompts
{
    /// <summary>Length the composer is asked to stay under: two GSM-7 segments, leaving room for branding.</summary>
    public const int ReplyBudget = 320;

    private const string PlannerRules =
        """
        You read one SMS that an employee sent to Switchboard, a timesheet assistant, and decide what they want.
        Answer with one JSON object only (no prose, no markdown, no code fences) with these fields:
        - "intent": one of "Status", "Log", "Submit", "Undo", "Help".
        - "hours": number of hours to log, or null.
        - "project": the project name, or null.
        - "date": the day to log, as "YYYY-MM-DD", or null.
        - "clarification": a short question to the sender, or null.

        Intents (the SMS grammar; case, punctuation and small typos in the keywords do not matter):
        - Status: this week's entries and total. "check my timesheet", "hours", "status".
        - Log: hours worked on a project on a day. "log 8h on Apollo today", "log 7.5 hours Apollo yesterday",
          "log 4h Zeus mon". Hours may be written "8h", "8 hrs", "8 hours", "7.5 hours", "7h30" (= 7.5).
          The project is the name as written, possibly several words, without "on"/"for"; never invent one.
        - Submit: submit this week's timesheet. "submit".
        - Undo: remove the last entry of this week. "undo".
        - Help: "help", or anything you do not understand.

        Rules:
        - Hours must be more than 0 and at most 24.
        - For Log, if the hours or the project are missing or impossible, keep intent "Log", leave the missing
          field null and put one short question (under 160 characters) in "clarification",
          e.g. "How many hours did you work on Apollo today?".
        - Leave fields that do not apply null. Status, Submit, Undo and Help take no hours, project or date.
        """;

    public static string Composer { get; } =
        $"""
        You write the SMS reply of Switchboard, a timesheet assistant, to one employee.
        The user message is JSON facts: "message" (what the employee texted), "today" (their date), "plan" (how it
        was understood) and "outcome" (what happened to their timesheet: kind, entry, week with entries and
        totalHours, problem).

        Write the reply:
        - plain text only: no markdown, no bullet symbols, no emoji; at most {ReplyBudget} characters;
        - use only the facts given (hours, projects, dates, totals, the problem); never invent entries or numbers;
        - by outcome kind: Logged = confirm the entry and give the week total; Status = this week's hours per
          project and the total; Submitted = confirm the week is submitted; Removed = say which entry was removed
          and the new total; Rejected = explain the problem; Clarify = ask the plan's clarification question;
          NotRegistered = this number is not registered, ask their manager to add it; Help = explain the commands
          'log 8h on Apollo today', 'check my timesheet', 'undo' and 'submit';
        - no greeting line, no sign-off and no company name: a later step adds them.
        """;

    /// <summary>The planner's prompt for a day: relative dates are resolved by the model, so it is told them.</summary>
    public static string Planner(DateOnly today, DateOrder dateOrder)
    {
        var text = new StringBuilder(PlannerRules);
        text.AppendLine();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Today is {Day(today)}. \"today\" = {Iso(today)}, \"yesterday\" = {Iso(today.AddDays(-1))}.");
        text.AppendLine("A weekday name (\"mon\", \"tuesday\"...) means the most recent such day on or before today:");
        for (var back = 0; back < 7; back++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {Day(today.AddDays(-back))}");
        }

        text.AppendLine("An ISO date (YYYY-MM-DD) is used as written. No day given means today.");
        var numeric = dateOrder == DateOrder.MonthDay ? "11/27" : "27/11";
        text.Append(CultureInfo.InvariantCulture, $"This sender writes numeric dates {(dateOrder == DateOrder.MonthDay ? "month" : "day")} first: \"{numeric}\" is 27 November.");
        text.Append(CultureInfo.InvariantCulture, $" A date without a year (\"27 Nov\", \"{numeric}\") is the latest such day no more than a week after today.");
        return text.ToString();
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateOnly date) => $"{date.DayOfWeek} {Iso(date)}";
}
