using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Digests;

public sealed class DigestPeriodTests
{
    [Theory]
    [InlineData("2026-11-26T00:00:00Z", "daily-2026-11-26")]
    [InlineData("2026-11-26T23:59:59Z", "daily-2026-11-26")]
    [InlineData("2026-11-26T23:30:00-05:00", "daily-2026-11-27")]
    public void DailyRunIdIsTheUtcDay(string at, string runId)
        => Assert.Equal(runId, DigestPeriod.For(DigestFrequency.Daily, DateTimeOffset.Parse(at)).RunId);

    [Theory]
    [InlineData("2026-11-26T07:00:00Z", "weekly-2026-W48", "2026-11-23")]
    [InlineData("2027-01-01T07:00:00Z", "weekly-2026-W53", "2026-12-28")]
    [InlineData("2025-12-29T07:00:00Z", "weekly-2026-W01", "2025-12-29")]
    public void WeeklyRunIdIsTheIsoWeek(string at, string runId, string monday)
    {
        var period = DigestPeriod.For(DigestFrequency.Weekly, DateTimeOffset.Parse(at));
        Assert.Equal(runId, period.RunId);
        Assert.Equal(DateOnly.Parse(monday), period.FirstDay);
    }

    [Fact]
    public void ALateTranslationsAlertIsOneRunPerGroupAndLanguageApartFromTheGroupsAndItsCorrections()
    {
        var at = DateTimeOffset.Parse("2026-11-27T10:40:00Z");
        var french = DigestPeriod.LateTranslation("2026/ptc-243", "fr", at);

        Assert.True(french.IsAlert);
        Assert.Matches("^instant-[0-9a-f]{16}$", french.RunId);
        Assert.Equal(french.RunId, DigestPeriod.LateTranslation("2026/ptc-243", "fr", at.AddHours(1)).RunId);
        Assert.Equal(5, new[]
        {
            french.Key, DigestPeriod.LateTranslationKey("2026/ptc-243", "ru"), DigestPeriod.AlertKey("2026/ptc-243"),
            DigestPeriod.AlertKey("2026/ptc-243", "fr"), DigestPeriod.LateTranslationKey("2026/ptc-244", "fr"),
        }.Distinct().Count());
    }

    [Fact]
    public void UnknownFrequencyIsNamedInTheError()
        => Assert.Contains("monthly", Assert.Throws<ArgumentException>(() => DigestPeriod.ParseFrequency("monthly")).Message);
}
