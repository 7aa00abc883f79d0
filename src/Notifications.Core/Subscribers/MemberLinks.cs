using Microsoft.Extensions.Logging;

namespace Notifications.Subscribers;

/// <summary>What linking did: how many subscribers are now linked, and how many were looked at.</summary>
public sealed record LinkResult(int Linked, int Examined);

/// <summary>
/// Links subscribers to a member administration (<see cref="Subscriber.Member"/>): by hand (an admin names the administration, or
/// none to unlink), or automatically for every unlinked subscriber whose organization is a configured name or alias
/// (<see cref="MemberDirectory.Match"/>). An import links new and unlinked subscribers the same way. Each change is audited.
/// </summary>
public sealed partial class MemberLinks(SubscriberStore store, SubscriberAudit audit, MemberDirectory members, ILogger<MemberLinks> logger)
{
    /// <summary>Links the subscriber with this address to the administration with <paramref name="key"/>; an empty key unlinks.</summary>
    /// <returns>The subscriber after the change; null when the address is not a subscriber's.</returns>
    /// <exception cref="InvalidSubscriberException">The key is not a configured administration's (field "member").</exception>
    public async Task<Subscriber?> LinkAsync(string email, string? key, string actor, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var target = "";
        if (!string.IsNullOrWhiteSpace(key))
            target = members.Find(key)?.EffectiveKey ?? throw new InvalidSubscriberException("member",
                $"no member administration has the key '{key.Trim()}'; the keys are " +
                    (members.All.Count == 0
                        ? "none: configure Members:Administrations first."
                        : string.Join(", ", members.All.Select(a => a.EffectiveKey)) + "."));
        var result = await store.UpdateAsync(store.IdOf(email), s => s with { Member = target }, ct);
        if (result is not { } r) return null;
        if (r.Before.Member != r.After.Member)
        {
            await audit.RecordAsync(r.After.Id, actor, target.Length > 0 ? "linked to member" : "unlinked from member",
                new Dictionary<string, string> { ["member"] = $"{Shown(r.Before.Member)} → {Shown(r.After.Member)}" }, ct);
            LogLinked(r.After.Id, Shown(r.After.Member));
        }
        return r.After;
    }

    /// <summary>Links every subscriber who is not linked yet and whose organization names a configured administration.</summary>
    public async Task<LinkResult> LinkMatchingAsync(string actor, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var all = await store.ListAsync(ct);
        var linked = 0;
        foreach (var s in all)
        {
            if (s.Member.Length > 0 && members.Find(s.Member) is not null) continue;
            if (members.Match(s.Organization) is not { } member) continue;
            var key = member.EffectiveKey;
            var result = await store.UpdateAsync(s.Id, current => current.Member.Length > 0 && members.Find(current.Member) is not null
                ? current : current with { Member = key }, ct);
            if (result is not { } r || r.Before.Member == r.After.Member) continue;
            await audit.RecordAsync(r.After.Id, actor, "linked to member",
                new Dictionary<string, string> { ["member"] = $"{Shown(r.Before.Member)} → {key}", ["via"] = "organization" }, ct);
            linked++;
        }
        LogLinkedMatching(linked, all.Count);
        return new LinkResult(linked, all.Count);
    }

    private static string Shown(string member) => member.Length > 0 ? member : "none";

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriber {SubscriberId} linked to member {Member}")]
    private partial void LogLinked(string subscriberId, string member);

    [LoggerMessage(Level = LogLevel.Information, Message = "Linked {Linked} of {Examined} subscribers to the member their organization names")]
    private partial void LogLinkedMatching(int linked, int examined);
}
