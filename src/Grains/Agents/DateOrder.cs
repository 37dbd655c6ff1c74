namespace Switchboard.Grains.Agents;

/// <summary>How a sender writes a numeric date: 27/11 (most of the world) or 11/27 (North America).</summary>
public enum DateOrder
{
    DayMonth,
    MonthDay,
}

public static class DateOrders
{
    /// <summary>
    /// Numbers of the North American Numbering Plan (+1: the US, Canada and some Caribbean countries) write the month
    /// first; everyone else the day. A sender who writes the other way is still read right whenever only one order
    /// makes a real date, and the reply always names the day.
    /// </summary>
    public static DateOrder ForPhone(string e164) =>
        e164.StartsWith("+1", StringComparison.Ordinal) ? DateOrder.MonthDay : DateOrder.DayMonth;
}
