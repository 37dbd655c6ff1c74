namespace Switchboard.Grains.Agents;

/// <summary>How a sender writes a numeric date: 27/11 (most of the world) or 11/27 (North America).</summary>
public enum DateOrder
{
    DayMonth,
    MonthDay,
}

public static class DateOrders
{
    /// <summary>North American numbers (country code 1) write the month first; everyone else the day.</summary>
    public static DateOrder ForPhone(string e164) =>
        e164.StartsWith("+1", StringComparison.Ordinal) ? DateOrder.MonthDay : DateOrder.DayMonth;
}
