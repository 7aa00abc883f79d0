using Microsoft.AspNetCore.Http;
using Notifications.Localization;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// Member administrations (<c>/api/console/members</c>, Admin role): the coverage report (<see cref="CoverageReport"/>) from the configured
/// member list with its names in the reader's language (which administrations have no active contact, which only bounced or
/// complained ones; the organizations no administration matches), and linking subscribers (<see cref="MemberLinks"/>): POST
/// <c>action=link</c> (email, member key or empty to unlink) or <c>action=link-matching</c>.
/// CLI twin: <c>notify subscribers coverage</c>, <c>notify subscribers link</c>.
/// </summary>
public sealed class MembersPage(ConsoleGate gate, ConsoleRenderer renderer, CoverageReport coverage, MemberDirectory members, MemberLinks links)
{
    public async Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        var translation = Translations.For(entered.Language);
        string message = "", linkEmail = "", linkMember = "";
        bool bad = false, linkError = false;
        var status = StatusCodes.Status200OK;
        var actor = "user:" + entered.User.Name;

        if (HttpMethods.IsPost(request.Method))
        {
            if (entered.Field("action") == "link-matching")
            {
                var result = await links.LinkMatchingAsync(actor, ct);
                message = Fill(translation["admin_members.matched"], ("linked", result.Linked.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("examined", result.Examined.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            else
            {
                linkEmail = entered.Field("email");
                linkMember = entered.Field("member");
                (message, bad, status) = await LinkAsync(linkEmail, linkMember, actor, translation, entered.Language, ct);
                linkError = bad;
                if (!bad) linkEmail = "";
            }
        }

        var rows = await coverage.BuildAsync(entered.Language, ct);
        var configured = rows.Where(r => r.Configured).ToList();
        var model = new ScriptObject
        {
            ["message"] = message,
            ["message_bad"] = bad,
            ["link_error"] = linkError,
            ["link_email"] = linkEmail,
            ["configured_count"] = configured.Count,
            ["configured"] = configured.Count,
            ["administrations"] = configured.Select(r => Row(r, translation)).ToList(),
            ["unmatched"] = rows.Where(r => !r.Configured).Select(r => Row(r, translation)).ToList(),
            ["without"] = configured.Count(r => r.NoActiveContact),
            ["options"] = new[] { Option("", translation["admin_members.link_none"], linkMember) }
                .Concat(members.All.OrderBy(a => a.NameIn(entered.Language), StringComparer.CurrentCultureIgnoreCase)
                    .Select(a => Option(a.EffectiveKey, $"{a.NameIn(entered.Language)} ({a.Country.Trim().ToUpperInvariant()})", linkMember)))
                .ToList(),
        };
        return renderer.Page(entered, "admin_members.title", "admin-members.html.sbn", model, status);
    }

    private async Task<(string Message, bool Bad, int Status)> LinkAsync(string email, string member, string actor, Translation translation, string language,
        CancellationToken ct)
    {
        if (email.Length == 0)
            return (translation["admin_members.email_required"], true, StatusCodes.Status400BadRequest);
        try
        {
            var linked = await links.LinkAsync(email, member, actor, ct);
            if (linked is null)
                return (Fill(translation["admin_members.no_such_subscriber"], ("email", email)), true, StatusCodes.Status404NotFound);
            return linked.Member.Length == 0
                ? (Fill(translation["admin_members.unlinked"], ("email", linked.Email)), false, StatusCodes.Status200OK)
                : (Fill(translation["admin_members.linked"], ("email", linked.Email), ("member", members.Find(linked.Member)!.NameIn(language))), false,
                    StatusCodes.Status200OK);
        }
        catch (InvalidSubscriberException e)
        {
            return (e.Message, true, StatusCodes.Status400BadRequest);
        }
    }

    private static ScriptObject Row(CoverageRow row, Translation translation) => new()
    {
        ["key"] = row.Key,
        ["name"] = row.Organization.Length > 0 ? row.Organization : "—",
        ["country"] = row.Country.Length > 0 ? row.Country : "—",
        ["active"] = row.Active,
        ["pending"] = row.Pending,
        ["bounced"] = row.Bounced,
        ["other"] = row.Other,
        ["state"] = translation[
            row.OnlyBouncedContacts ? "admin_members.only_bounced" : row.NoActiveContact ? "admin_members.no_active" : "admin_members.covered"],
        ["tag"] = row.OnlyBouncedContacts || row.NoActiveContact ? "bad" : "ok",
    };

    private static ScriptObject Option(string key, string label, string selected) => new()
    {
        ["key"] = key,
        ["label"] = label,
        ["selected"] = key == selected,
    };

    private static string Fill(string text, params (string Name, string Value)[] values)
        => values.Aggregate(text, (t, v) => t.Replace("{" + v.Name + "}", v.Value, StringComparison.Ordinal));
}
