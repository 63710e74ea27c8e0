using System.Globalization;
using System.Text.RegularExpressions;

namespace InternalApi.Core.Shell;

/// <summary>
/// Parses dates the way the token command's <c>expires_at</c> is parsed by GitLab (Ruby's lenient
/// <c>Date.parse</c>), for the forms people actually type: ISO <c>2024-07-24</c> (a time part is
/// ignored), <c>2024/07/24</c>, <c>2024.07.24</c>, <c>20240724</c>, day-first <c>24/07/2024</c>,
/// <c>24-07-2024</c>, <c>24.07.2024</c>, and month names: <c>24 Jul 2024</c>, <c>24-Jul-2024</c>,
/// <c>24th July 2024</c>, <c>Jul 24 2024</c>, <c>July 24, 2024</c>, with an optional leading weekday
/// (<c>Wed, 24 Jul 2024</c>). A month-name date without a year is in the current year, as in Ruby.
/// Like Ruby, a numeric date with the year last is read day first (<c>07/24/2024</c> is invalid).
/// </summary>
public static partial class RubyDate
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>Parses <paramref name="text"/>; <paramref name="today"/> supplies a missing year.</summary>
    public static bool TryParse(string? text, DateOnly today, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = Weekday().Replace(text.Trim(), "");
        if (Iso().Match(value) is { Success: true } iso)
        {
            return TryCreate(iso.Groups["y"].Value, iso.Groups["m"].Value, iso.Groups["d"].Value, out date);
        }

        if (Compact().Match(value) is { Success: true } compact)
        {
            return TryCreate(compact.Groups["y"].Value, compact.Groups["m"].Value, compact.Groups["d"].Value, out date);
        }

        if (Numeric().Match(value) is { Success: true } numeric)
        {
            var (a, b, c) = (numeric.Groups["a"].Value, numeric.Groups["b"].Value, numeric.Groups["c"].Value);

            // Ruby takes the part with more than two digits as the year: y-m-d, or d-m-y.
            if (a.Length == 4)
            {
                return TryCreate(a, b, c, out date);
            }

            return c.Length == 4 && a.Length <= 2 && TryCreate(c, b, a, out date);
        }

        if (DayMonth().Match(value) is { Success: true } dayMonth)
        {
            return TryCreate(dayMonth.Groups["y"], MonthNumber(dayMonth.Groups["m"].Value), dayMonth.Groups["d"].Value, today, out date);
        }

        if (MonthDay().Match(value) is { Success: true } monthDay)
        {
            return TryCreate(monthDay.Groups["y"], MonthNumber(monthDay.Groups["m"].Value), monthDay.Groups["d"].Value, today, out date);
        }

        return false;
    }

    private static string MonthNumber(string name) =>
        (Array.IndexOf(Months, name[..3].ToLowerInvariant()) + 1).ToString(CultureInfo.InvariantCulture);

    private static bool TryCreate(Group year, string month, string day, DateOnly today, out DateOnly date) =>
        TryCreate(year.Success ? year.Value : today.Year.ToString(CultureInfo.InvariantCulture), month, day, out date);

    private static bool TryCreate(string year, string month, string day, out DateOnly date)
    {
        date = default;
        if (!int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) ||
            !int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ||
            !int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ||
            y is < 1 or > 9999 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        date = new DateOnly(y, m, d);
        return true;
    }

    [GeneratedRegex(@"^(?:sun|mon|tue|wed|thu|fri|sat)[a-z]*\.?,?\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})(?:(?:T|\s+)\S.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    [GeneratedRegex(@"^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Compact();

    [GeneratedRegex(@"^(?<a>\d{1,4})(?<sep>[/.\-])(?<b>\d{1,2})\k<sep>(?<c>\d{1,4})$", RegexOptions.CultureInvariant)]
    private static partial Regex Numeric();

    [GeneratedRegex(@"^(?<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/]*(?<m>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:[\s,\-/]+(?<y>\d{4}))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DayMonth();

    [GeneratedRegex(@"^(?<m>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*(?<d>\d{1,2})(?:st|nd|rd|th)?(?:\s*,?\s*(?<y>\d{4}))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MonthDay();
}
