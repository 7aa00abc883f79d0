namespace Notifications.Subscribers;

/// <summary>
/// The search index in memory: every card with its folded text, and per sort order the cards sorted once (until the next change), so
/// that a search is one pass over an array: filter, count, and keep the page.
/// </summary>
internal sealed class SubscriberIndexState
{
    private readonly Dictionary<string, Indexed> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<SubscriberSort, Indexed[]> _sorted = [];

    private sealed record Indexed(SubscriberCard Card, string Text, string Name, string Organization);

    public int Count => _cards.Count;

    public IEnumerable<SubscriberCard> Cards => _cards.Values.Select(c => c.Card);

    public void Put(SubscriberCard card)
    {
        _cards[card.Id] = new Indexed(card, SubscriberSearchText.Of(card), SubscriberSearchText.Fold(card.Name),
            SubscriberSearchText.Fold(card.Organization));
        _sorted.Clear();
    }

    /// <summary>
    /// Applies one entry: a card or merge replaces a card only if it is at least as recent; a removal removes (with
    /// <paramref name="removalsIfNewer"/>, only a card not changed after it: the state was read from the table, which may be newer).
    /// </summary>
    public void Apply(SubscriberIndexEntry entry, bool removalsIfNewer = false)
    {
        var stored = _cards.GetValueOrDefault(entry.Id)?.Card;
        switch (entry.Kind)
        {
            case SubscriberIndexEntry.CardKind:
                if (stored is null || entry.UpdatedAt >= stored.UpdatedAt) Put(entry.ToCard());
                break;
            case SubscriberIndexEntry.MergeKind:
                if (stored is null || entry.UpdatedAt >= stored.UpdatedAt) Put(entry.MergedInto(stored));
                break;
            case SubscriberIndexEntry.RemovalKind:
                if (stored is not null && (!removalsIfNewer || entry.UpdatedAt >= stored.UpdatedAt)) Remove(entry.Id);
                break;
            default:
                throw new InvalidDataException($"Unknown search index entry kind '{entry.Kind}'.");
        }
    }

    /// <summary>Removes the card with this id and any card with this address (an old id's); returns how many went.</summary>
    public int Forget(string id, string? email)
    {
        var gone = _cards.Values.Where(c => c.Card.Id == id || (email is not null && string.Equals(c.Card.Email, email, StringComparison.OrdinalIgnoreCase)))
            .Select(c => c.Card.Id).ToList();
        foreach (var g in gone) Remove(g);
        return gone.Count;
    }

    /// <summary>True when the card would be dropped by <see cref="Forget"/>.</summary>
    public static bool Names(SubscriberIndexEntry entry, string id, string? email)
        => entry.Id == id || (email is not null && string.Equals(entry.Email, email, StringComparison.OrdinalIgnoreCase));

    private void Remove(string id)
    {
        _cards.Remove(id);
        _sorted.Clear();
    }

    /// <summary>One page of the matching cards in the query's order, and how many match.</summary>
    /// <param name="topic">The query's topic as a key (already resolved from any spelling), or null.</param>
    public SubscriberSearchResult Search(SubscriberQuery query, string? topic)
    {
        var order = Sorted(query.Sort);
        var needle = SubscriberSearchText.Fold(query.Text?.Trim());
        var organization = SubscriberSearchText.Fold(query.Organization?.Trim());
        var language = query.Language is { Length: > 0 } l ? l.Trim() : null;
        var country = query.Country is { Length: > 0 } c ? c.Trim() : null;
        var member = query.Member is { Length: > 0 } m ? m.Trim() : null;
        var skip = Math.Max(0, query.Skip);
        var take = Math.Max(0, query.Take);
        var items = new List<SubscriberCard>(Math.Min(take, 1000));
        var total = 0;
        for (var i = 0; i < order.Length; i++)
        {
            var x = order[query.Descending ? order.Length - 1 - i : i];
            var card = x.Card;
            if (query.Status is { } status && card.Status != status) continue;
            if (query.Frequency is { } frequency && card.Frequency != frequency) continue;
            if (language is not null && !string.Equals(card.Language, language, StringComparison.OrdinalIgnoreCase)) continue;
            if (country is not null && !string.Equals(card.Country, country, StringComparison.OrdinalIgnoreCase)) continue;
            if (member is not null && !string.Equals(card.Member, member, StringComparison.OrdinalIgnoreCase)) continue;
            if (topic is not null && card.Topics.Count > 0 && !card.Topics.Contains(topic)) continue;
            if (needle.Length > 0 && !x.Text.Contains(needle, StringComparison.Ordinal)) continue;
            if (organization.Length > 0 && !x.Organization.Contains(organization, StringComparison.Ordinal)) continue;
            if (total >= skip && items.Count < take) items.Add(card);
            total++;
        }
        return new SubscriberSearchResult(total, items);
    }

    private Indexed[] Sorted(SubscriberSort sort)
    {
        if (_sorted.TryGetValue(sort, out var sorted)) return sorted;
        var all = _cards.Values.ToArray();
        Comparison<Indexed> byEmail = (a, b) => string.CompareOrdinal(a.Card.Email, b.Card.Email);
        Comparison<Indexed> compare = sort switch
        {
            SubscriberSort.Email => byEmail,
            SubscriberSort.Organization => (a, b) => Then(string.CompareOrdinal(a.Organization, b.Organization), a, b),
            SubscriberSort.Country => (a, b) => Then(string.CompareOrdinal(a.Card.Country, b.Card.Country), a, b),
            SubscriberSort.Status => (a, b) => Then(a.Card.Status.ToString().CompareTo(b.Card.Status.ToString()), a, b),
            SubscriberSort.Created => (a, b) => Then(a.Card.CreatedAt.CompareTo(b.Card.CreatedAt), a, b),
            SubscriberSort.Updated => (a, b) => Then(a.Card.UpdatedAt.CompareTo(b.Card.UpdatedAt), a, b),
            _ => (a, b) => Then(0, a, b),
        };
        Array.Sort(all, compare);
        _sorted[sort] = all;
        return all;

        // Ties (and the Name order itself) by name, then by address: one order, whatever the dictionary's.
        static int Then(int first, Indexed a, Indexed b)
        {
            if (first != 0) return first;
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Card.Email, b.Card.Email);
        }
    }
}
