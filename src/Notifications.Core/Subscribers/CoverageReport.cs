using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>How many officials of one member administration subscribe.</summary>
/// <param name="Country">ISO 3166-1 alpha-2, or empty for subscribers whose country is not known.</param>
/// <param name="Other">Unsubscribed, bounced, complained or suspended.</param>
/// <param name="Configured">Whether the administration is in the configured list (<see cref="MemberOptions"/>); false for one only subscribers name.</param>
public sealed record CoverageRow(string Organization, string Country, int Active, int Pending, int Other, bool Configured)
{
    public int Total => Active + Pending + Other;
}

/// <summary>
/// Which member administrations the newsletter reaches: one row per administration (organization and country), from the
/// subscribers and from the configured members, so an administration with no subscriber at all shows as zeros.
/// Organizations are matched ignoring case and surrounding spaces; the configured spelling wins.
/// </summary>
public sealed class CoverageReport(SubscriberStore store, IOptions<MemberOptions> members)
{
    /// <summary>Ordered by country, then organization; subscribers without a country come last.</summary>
    public async Task<IReadOnlyList<CoverageRow>> BuildAsync(CancellationToken ct = default)
    {
        var rows = new Dictionary<(string Organization, string Country), Tally>();

        foreach (var a in members.Value.Administrations ?? [])
        {
            var key = KeyOf(a.Organization, a.Country);
            if (!rows.TryGetValue(key, out var tally))
                rows[key] = tally = new Tally(a.Organization.Trim(), SubscriberRules.Country(a.Country));
            tally.Configured = true;
        }

        foreach (var s in await store.ListAsync(ct))
        {
            var key = KeyOf(s.Organization, s.Country);
            if (!rows.TryGetValue(key, out var tally))
                rows[key] = tally = new Tally(s.Organization.Trim(), s.Country.Trim().ToUpperInvariant());
            switch (s.Status)
            {
                case SubscriberStatus.Active: tally.Active++; break;
                case SubscriberStatus.Pending: tally.Pending++; break;
                default: tally.Other++; break;
            }
        }

        return rows.Values
            .OrderBy(t => t.Country.Length == 0)
            .ThenBy(t => t.Country, StringComparer.Ordinal)
            .ThenBy(t => t.Organization, StringComparer.OrdinalIgnoreCase)
            .ThenBy(t => t.Organization, StringComparer.Ordinal)
            .Select(t => new CoverageRow(t.Organization, t.Country, t.Active, t.Pending, t.Other, t.Configured))
            .ToList();
    }

    private static (string, string) KeyOf(string organization, string country)
        => ((organization ?? "").Trim().ToUpperInvariant(), (country ?? "").Trim().ToUpperInvariant());

    private sealed class Tally(string organization, string country)
    {
        public string Organization { get; } = organization;
        public string Country { get; } = country;
        public int Active { get; set; }
        public int Pending { get; set; }
        public int Other { get; set; }
        public bool Configured { get; set; }
    }
}
