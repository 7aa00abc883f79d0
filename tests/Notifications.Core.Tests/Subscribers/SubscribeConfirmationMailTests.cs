using Notifications.Subscribers;
using Notifications.Templates;
using Notifications.Testing;
using Scriban.Runtime;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>
/// The confirmation email (<c>subscribe-confirm.*.sbn</c>) under golden files, in every language. It goes to an address nobody has
/// confirmed yet, so it says nothing the requester typed: not even a name handed to the template gets through.
/// Run with UPDATE_GOLDEN=1 to accept a deliberate change, then review the diff.
/// </summary>
public sealed class SubscribeConfirmationMailTests
{
    private const string Lure = "Your account is locked - call +1 555 0100";

    public static TheoryData<string> Languages => new("en", "ru", "fr");

    private static ScriptObject Model(string language) => new()
    {
        ["lang"] = language,
        ["sender"] = "PTC Secretariat",
        ["organization"] = "the Permanent Technical Committee's session reports",
        ["link"] = "https://notify.secretariat.example/api/confirm?token=AgJ0Mfzxuvs8owPodiXFJ9hPoLlteffrGAT-O0ZcnbRiqserAAAAAABrEROsSt-Qbjr9D88h4WHxz37C6A",
        ["days"] = 7,
        // What someone typed on the form: the templates must not show it.
        ["name"] = Lure,
        // What they chose from the lists: repeated so they can check it before confirming.
        ["chosen"] = SubscribeChoices.Lines(Candidate(language), null),
        ["colon"] = language == "fr" ? "\u00a0: " : ": ",
    };

    private static Subscriber Candidate(string language) => new(
        "id", "new@customs.example", Lure, Lure, language, DigestFrequency.Weekly, SubscriberStatus.Pending,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "UZ", ["e-commerce", "data model"], "Asia/Tashkent",
        DeliveryHour: 9, WeeklyDay: DayOfWeek.Wednesday);

    [Theory]
    [MemberData(nameof(Languages))]
    public void ConfirmationEmailMatchesGoldenFilesAndEchoesNothingTyped(string language)
    {
        var templates = new TemplateSet();
        var model = Model(language);

        var subject = templates.RenderText("subscribe-confirm.subject.sbn", model).Trim();
        var html = templates.RenderHtml("subscribe-confirm.html.sbn", model);
        var text = templates.RenderText("subscribe-confirm.txt.sbn", model);

        Assert.All(new[] { subject, html, text }, part => Assert.DoesNotContain("locked", part, StringComparison.OrdinalIgnoreCase));
        var expected = language switch
        {
            "ru" => new[] { "еженедельно: среда, 09:00", "Ташкент (Узбекистан)", "Русский" },
            "fr" => ["chaque mercredi à 09:00", "Tachkent (Ouzbékistan)", "Français"],
            _ => ["every Wednesday at 09:00", "Tashkent (Uzbekistan)", "English"],
        };
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/subscribe-confirm-{language}.html", html);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/subscribe-confirm-{language}.txt", text);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/subscribe-confirm-{language}.subject.txt", subject + "\n");
        Assert.All(expected, e => Assert.Contains(e, text));

    }
}
