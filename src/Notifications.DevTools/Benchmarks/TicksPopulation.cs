using Notifications.Subscribers;

namespace Notifications.Benchmarks;

/// <summary>
/// The subscribers of <c>notify bench ticks</c>: spread over the member administrations' time zones (Europe about 45 %, Central Asia
/// 10 %, the Americas 15 %, Africa 15 %, Asia-Pacific 15 %), delivery hours mostly the default with some 7–10, about 85 % daily,
/// 10 % weekly (days spread, half on the default day) and 5 % instant, topics mixed (40 % none: every topic). Subscriber i is the
/// same in every run.
/// </summary>
public static class TicksPopulation
{
    /// <summary>Zones with their weight (percent).</summary>
    public static readonly IReadOnlyList<(string Zone, int Weight)> Zones =
    [
        ("Europe/Brussels", 12), ("Europe/Paris", 6), ("Europe/Berlin", 5), ("Europe/Moscow", 6), ("Europe/London", 5),
        ("Europe/Madrid", 3), ("Europe/Rome", 4), ("Europe/Warsaw", 2), ("Europe/Istanbul", 2),
        ("Asia/Tashkent", 5), ("Asia/Almaty", 5),
        ("America/New_York", 5), ("America/Sao_Paulo", 4), ("America/Mexico_City", 3), ("America/Bogota", 3),
        ("Africa/Lagos", 4), ("Africa/Nairobi", 3), ("Africa/Johannesburg", 3), ("Africa/Cairo", 3), ("Africa/Casablanca", 2),
        ("Asia/Shanghai", 4), ("Asia/Tokyo", 3), ("Asia/Singapore", 3), ("Asia/Kolkata", 3), ("Australia/Sydney", 2),
    ];

    public static readonly IReadOnlyList<string> Topics =
    [
        "e-commerce", "data model", "non-intrusive inspection", "trade facilitation", "green customs", "performance management",
        "time release study", "data exchange", "disaster relief",
    ];

    private static readonly string[] Languages = ["en", "en", "ru", "fr"];

    public static Subscriber Subscriber(int i, Func<string, string> idOf, DateTimeOffset created)
    {
        var random = new Random(unchecked(i * 7919 + 17));
        var email = $"official{i:D7}@customs{i % 181:D3}.example";
        var zone = Pick(random.Next(100));
        var roll = random.Next(100);
        var frequency = roll < 85 ? DigestFrequency.Daily : roll < 95 ? DigestFrequency.Weekly : DigestFrequency.Instant;
        int? hour = random.Next(100) < 80 ? null : 7 + random.Next(4);
        DayOfWeek? day = frequency == DigestFrequency.Weekly && random.Next(2) == 0 ? (DayOfWeek)random.Next(7) : null;
        IReadOnlyList<string>? topics = random.Next(100) < 40 ? null
            : Topics.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToList();
        return new Subscriber(idOf(email), email, $"Official {i}", $"Customs Administration {i % 181}", Languages[i % Languages.Length],
            frequency, SubscriberStatus.Active, created, created, Topics: topics, TimeZone: zone, DeliveryHour: hour, WeeklyDay: day);
    }

    private static string Pick(int percent)
    {
        foreach (var (zone, weight) in Zones)
            if ((percent -= weight) < 0) return zone;
        return Zones[0].Zone;
    }
}
