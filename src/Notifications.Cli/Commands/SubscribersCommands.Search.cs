using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Subscribers;
using Notifications.Web;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify subscribers list</c> through the search index (<c>--search</c>: a part of the address, name or organisation, ignoring case
/// and accents; <c>--organization</c>: a part of the organisation; <c>--member</c>; the other filters; sort and limit), and
/// <c>notify subscribers reindex</c>.
/// </summary>
public static partial class SubscribersCommands
{
    private static Command SearchList(CliContext cli)
    {
        var search = new Option<string?>("--search")
        {
            Description = "Only subscribers whose address, name or organization contains this text (case and accents ignored: 'societe' finds 'Société')."
        };
        var status = new Option<string?>("--status")
        {
            Description = "Only this status: " + string.Join(", ", Enum.GetNames<SubscriberStatus>().Select(n => n.ToLowerInvariant())) + "."
        };
        var frequency = new Option<string?>("--frequency") { Description = "Only this frequency: instant, daily or weekly." };
        var language = new Option<string?>("--language") { Description = "Only this language: en, ru or fr." };
        var country = new Option<string?>("--country") { Description = "Only this country (ISO 3166-1 alpha-2, e.g. UZ)." };
        var organization = new Option<string?>("--organization")
        {
            Description = "Only organizations containing this text (case and accents ignored: 'hmrc', 'revenue')."
        };
        var member = new Option<string?>("--member") { Description = "Only subscribers linked to this member administration (its key)." };
        var topic = new Option<string?>("--topic") { Description = "Only subscribers who get this topic (those who chose it or chose all topics)." };
        var sort = new Option<string>("--sort")
        {
            Description = "Order: " + string.Join(", ", Enum.GetNames<SubscriberSort>().Select(n => n.ToLowerInvariant())) + ".",
            DefaultValueFactory = _ => "email"
        };
        var descending = new Option<bool>("--descending") { Description = "The other way round." };
        var limit = new Option<int?>("--limit") { Description = "At most this many (all when not given); the total is printed anyway." };
        var list = new Command("list", "List subscribers, optionally only some (through the search index: no table scan).")
        {
            search, status, frequency, language, country, organization, member, topic, sort, descending, limit, CliContext.JsonOption
        };
        list.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            if (!Enum.TryParse<SubscriberSort>(parse.GetValue(sort), ignoreCase: true, out var order) || !Enum.IsDefined(order))
                throw new ArgumentException($"--sort '{parse.GetValue(sort)}' is not supported; use one of " +
                    string.Join(", ", Enum.GetNames<SubscriberSort>().Select(n => n.ToLowerInvariant())) + ".");
            if (parse.GetValue(limit) is < 1) throw new ArgumentException("--limit must be at least 1.");
            var query = new SubscriberQuery(
                parse.GetValue(search),
                parse.GetValue(status) is { } s ? SubscriberRules.Status(s) : null,
                parse.GetValue(frequency) is { } f ? SubscriberRules.Frequency(f) : null,
                parse.GetValue(language) is { } l ? SubscriberRules.Language(l) : null,
                parse.GetValue(country) is { Length: > 0 } c ? SubscriberRules.Country(c) : null,
                parse.GetValue(member),
                parse.GetValue(topic),
                order,
                parse.GetValue(descending),
                Take: parse.GetValue(limit) ?? int.MaxValue,
                Organization: parse.GetValue(organization));
            var found = await services.GetRequiredService<SubscriberSearchIndex>().SearchAsync(query, ct);
            if (parse.GetValue(CliContext.JsonOption))
            {
                // The full records (consent and all), in the index's order.
                var ids = found.Items.Select(card => card.Id).ToHashSet(StringComparer.Ordinal);
                var store = services.GetRequiredService<SubscriberStore>();
                var records = ids.Count > 500
                    ? (await store.ListAsync(ct)).Where(r => ids.Contains(r.Id)).ToDictionary(r => r.Id)
                    : await store.GetManyAsync([.. ids], ct);
                await cli.WriteJsonAsync<IReadOnlyList<SubscriberJson>>(
                    found.Items.Where(card => records.ContainsKey(card.Id)).Select(card => SubscriberJson.From(records[card.Id])).ToList(),
                    SubscriberApiJson.Default.IReadOnlyListSubscriberJson);
                return 0;
            }
            foreach (var card in found.Items)
                await cli.Out.WriteLineAsync($"{Lower(card.Status),-12} {Lower(card.Frequency),-7} {card.Language} " +
                    $"{(card.Country.Length > 0 ? card.Country : "--")}  {card.Email}  {card.Name} ({card.Organization})" +
                    (card.Member.Length > 0 ? $"  [{card.Member}]" : ""));
            if (found.Items.Count < found.Total)
                await cli.Error.WriteLineAsync($"{found.Items.Count} of {found.Total} shown (--limit).");
            return 0;
        }));
        return list;
    }

    private static Command Reindex(CliContext cli)
    {
        var reindex = new Command("reindex",
            "Build the subscriber search index and the slot index again from the subscribers table (after a restore, or when a logged error said " +
            "it missed a change).");
        reindex.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var cards = await services.GetRequiredService<SubscriberSearchIndex>().RebuildAsync(ct);
            await cli.Out.WriteLineAsync($"Search index rebuilt: {cards} subscribers in " +
                $"{System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s.");
            started = System.Diagnostics.Stopwatch.GetTimestamp();
            var indexed = await services.GetRequiredService<SubscriberSlotIndex>().RebuildAsync(ct);
            await cli.Out.WriteLineAsync($"Slot index rebuilt: {indexed} subscribers in " +
                $"{System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s.");
            return 0;
        }));
        return reindex;
    }
}
