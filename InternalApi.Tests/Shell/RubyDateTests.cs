using InternalApi.Core.Shell;

namespace InternalApi.Tests.Shell;

public sealed class RubyDateTests
{
    private static readonly DateOnly Today = new(2025, 3, 15);

    [Theory]
    [InlineData("2024-07-24", "2024-07-24")]
    [InlineData("2024-7-4", "2024-07-04")]
    [InlineData("2024-07-24 23:59:59 +0200", "2024-07-24")]
    [InlineData("2024/07/24", "2024-07-24")]
    [InlineData("2024.07.24", "2024-07-24")]
    [InlineData("20240724", "2024-07-24")]
    [InlineData("24/07/2024", "2024-07-24")]
    [InlineData("24-07-2024", "2024-07-24")]
    [InlineData("24 Jul 2024", "2024-07-24")]
    [InlineData("24th July 2024", "2024-07-24")]
    [InlineData("Wednesday, 24 July 2024", "2024-07-24")]
    [InlineData("jul 24, 2024", "2024-07-24")]
    [InlineData("Sept 3 2024", "2024-09-03")]
    [InlineData("24 Jul", "2025-07-24")]
    [InlineData("  2024-07-24  ", "2024-07-24")]
    public void Parses_The_Forms_Ruby_Accepts(string text, string expected)
    {
        Assert.True(RubyDate.TryParse(text, Today, out var date));
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2024-13-01")]
    [InlineData("2024-02-30")]
    [InlineData("07/24/2024")]
    public void Rejects_What_Ruby_Rejects(string text) => Assert.False(RubyDate.TryParse(text, Today, out _));
}
