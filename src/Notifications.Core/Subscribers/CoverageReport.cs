namespace Notifications.Subscribers;

/// <summary>How many officials of one member administration subscribe, and in which state.</summary>
/// <param name="Key">The administration's key (<see cref="MemberAdministration.EffectiveKey"/>); empty for an organization that is not configured.</param>
/// <param name="Organization">The canonical name in the report's language, or (not configured) the spelling subscribers used first.</param>
/// <param name="Country">ISO 3166-1 alpha-2, or empty for subscribers whose country is not known.</param>
/// <param name="Bounced">Bounced or complained: their mailbox does not take the digests.</param>
/// <param name="Other">Unsubscribed or suspended.</param>
/// <param name="Configured">Whether the administration is in the configured list (<see cref="MemberOptions"/>); false for one only subscribers name.</param>
public sealed record CoverageRow(string Key, string Organization, string Country, int Active, int Pending, int Bounced, int Other, bool Configured)
{
    public int Total => Active + Pending + Bounced + Other;

    /// <summary>No subscriber receives digests: nobody, or nobody active.</summary>
    public bool NoActiveContact => Active == 0;

    /// <summary>It has contacts, and every one of them bounced or complained: the addresses need replacing.</summary>
    public bool OnlyBouncedContacts => Total > 0 && Bounced == Total;
}

/// <summary>
/// Which member administrations the newsletter reaches: one row per configured administration (<see cref="MemberDirectory"/>),
/// those with no subscriber as zeros, then one row per organization that no configured name or alias matches (by organization,
/// ignoring case, accents, spaces and punctuation, and country). A subscriber counts for the administration they are linked to
/// (<see cref="Subscriber.Member"/>), else for the one their organization names.
/// </summary>
public sealed class CoverageReport(SubscriberStore store, MemberDirectory members)
{
    /// <summary>The report with the English names.</summary>
    public Task<IReadOnlyList<CoverageRow>> BuildAsync(CancellationToken ct = default) => BuildAsync("en", ct);

    /// <summary>By country, then name; subscribers without a country last. Names in <paramref name="language"/> (en, ru, fr).</summary>
    public async Task<IReadOnlyList<CoverageRow>> BuildAsync(string language, CancellationToken ct = default)
    {
        var rows = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var a in members.All)
            rows.TryAdd("member:" + a.EffectiveKey,
                new Tally(a.EffectiveKey, a.NameIn(language), SubscriberRules.Country(a.Country), Configured: true));

        foreach (var s in await store.ListAsync(ct))
        {
            Tally tally;
            if (members.Of(s) is { } member)
                tally = rows["member:" + member.EffectiveKey];
            else
            {
                var country = s.Country.Trim().ToUpperInvariant();
                var key = "org:" + MemberDirectory.Normalize(s.Organization) + "|" + country;
                if (!rows.TryGetValue(key, out tally!))
                    rows[key] = tally = new Tally("", s.Organization.Trim(), country, Configured: false);
            }
            switch (s.Status)
            {
                case SubscriberStatus.Active: tally.Active++; break;
                case SubscriberStatus.Pending: tally.Pending++; break;
                case SubscriberStatus.Bounced or SubscriberStatus.Complained: tally.Bounced++; break;
                default: tally.Other++; break;
            }
        }

        return rows.Values
            .OrderBy(t => t.Country.Length == 0)
            .ThenBy(t => t.Country, StringComparer.Ordinal)
            .ThenBy(t => t.Organization, StringComparer.OrdinalIgnoreCase)
            .ThenBy(t => t.Organization, StringComparer.Ordinal)
            .Select(t => new CoverageRow(t.Key, t.Organization, t.Country, t.Active, t.Pending, t.Bounced, t.Other, t.Configured))
            .ToList();
    }

    private sealed record Tally(string Key, string Organization, string Country, bool Configured)
    {
        public int Active { get; set; }
        public int Pending { get; set; }
        public int Bounced { get; set; }
        public int Other { get; set; }
    }
}
