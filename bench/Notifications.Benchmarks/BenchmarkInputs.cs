using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Subscribers;
using Notifications.Templates;
using Notifications.Mail;

namespace Notifications.MicroBenchmarks;

/// <summary>
/// What the benchmarks measure with: the pipeline's own services (<see cref="ServiceCollectionExtensions.AddNotifications"/>
/// with in-memory settings) and real inputs: the demo's sample articles (src/Notifications.DevTools/Local/SampleArticles) and
/// files of the test corpus (tests/Notifications.Core.Tests/Corpus), embedded in this assembly.
/// </summary>
public static class BenchmarkInputs
{
    /// <summary>When the benchmarked run happens: the hourly daily run of 26 November 2026, 07:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);

    public const string BaseUrl = "https://notify.secretariat.example";

    private static readonly Lazy<IServiceProvider> LazyServices = new(BuildServices);

    /// <summary>The pipeline's services, configured as in production (no storage is touched by anything benchmarked).</summary>
    public static IServiceProvider Services => LazyServices.Value;

    public static T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    private static ServiceProvider BuildServices()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The message builder is the same whatever the mode; Outbox needs no SendGrid API key (nothing is sent from here).
            ["Delivery:Mode"] = "Outbox",
            ["Delivery:FromEmail"] = "digests@secretariat.example",
            ["Delivery:FromName"] = "PTC Secretariat",
            ["Delivery:UnsubscribeMailto"] = "unsubscribe@secretariat.example",
            ["Tokens:CurrentKeyId"] = "k1",
            // A fixed 32-byte key, so that every run signs the same tokens.
            ["Tokens:Keys:k1"] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("micro-benchmarks k1"))),
            ["Subscribers:IdKey"] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("micro-benchmarks ids"))),
            ["Links:BaseUrl"] = BaseUrl,
            ["Digest:Sender"] = "PTC Secretariat",
            ["Digest:Organization"] = "the Permanent Technical Committee's session reports",
            ["Digest:Languages:ru:Sender"] = "Секретариат ПТК",
            ["Digest:Languages:ru:Organization"] = "отчёты о сессиях Постоянного технического комитета",
            ["Digest:Languages:fr:Sender"] = "Secrétariat du CTP",
            ["Digest:Languages:fr:Organization"] = "les rapports de session du Comité technique permanent",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddNotifications(configuration);
        // The built-in templates: admins' overrides live in blob storage, which a micro-benchmark does not reach.
        services.AddSingleton<ITemplateSource>(sp => sp.GetRequiredService<TemplateSet>());
        return services.BuildServiceProvider();
    }

    /// <summary>An embedded input file: <c>SampleArticles/&lt;name&gt;</c> or <c>Corpus/&lt;name&gt;</c>.</summary>
    public static byte[] File(string name)
    {
        using var stream = typeof(BenchmarkInputs).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"'{name}' is not embedded in {typeof(BenchmarkInputs).Assembly.GetName().Name}; see its .csproj.", name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The article as the index holds it once accepted (what <see cref="ArticleIngestor"/> records): parsed with the real parser.</summary>
    public static IndexedArticle Indexed(string resource)
    {
        var content = File(resource);
        var blobName = "2026/" + Path.GetFileName(resource);
        var a = Get<ArticleParser>().Parse(blobName, content);
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        var translationKey = a.Slug ?? a.TranslationOf ?? Path.GetFileName(resource).Split('.')[0];
        return new IndexedArticle(blobName, ArticleStatus.Accepted, a.Title, a.Summary, a.Language, a.Topics, a.Published, a.Url, hash,
            Now.AddHours(-20), null, Now.AddHours(-20), a.Format, a.Session, translationKey, null, a.Editor, a.Alert);
    }

    /// <summary>
    /// The four articles of a daily digest in <paramref name="language"/>, as a variant shows them: the four sample articles, each
    /// in the variant's language where the corpus has a translation (the PTC report in Russian, the NII workshop in French),
    /// otherwise in English (marked as such).
    /// </summary>
    public static IReadOnlyList<IndexedArticle> DigestArticles(string language) =>
    [
        Indexed(language == "ru" ? "Corpus/ptc-241-242.ru.md" : "SampleArticles/2026-10-ptc-241-242.md"),
        Indexed("SampleArticles/2026-11-green-customs.md"),
        Indexed("SampleArticles/2026-11-hs-committee.txt"),
        Indexed(language == "fr" ? "Corpus/nii-atelier-fr.md" : "SampleArticles/2026-11-nii-workshop.md"),
    ];

    private static readonly string[] FirstNames =
        ["Dilnoza", "Jane", "Anne", "Oleg", "Amina", "Pierre", "Yuki", "Карина",
        "Sébastien", "Nurlan", "Maria", "Хуршид", "Chloé", "Ahmed", "Ingrid", "Tomás"];

    private static readonly string[] LastNames =
        ["Karimova", "Smith", "Dupont", "Иванов", "Okafor", "Lefèvre", "Tanaka",
        "Абдуллаева", "García", "Nazarbekov", "O'Brien", "Müller", "Rossi", "Haddad"];

    private static readonly string[] Domains =
        ["customs.uz.example", "hmrc.example", "douane.example", "customs.example",
        "zoll.example", "aduana.example", "tamozhnya.example", "customs.go.example"];

    /// <summary>
    /// <paramref name="count"/> distinct recipients as <see cref="BatchSender"/> makes them: their own name (Latin, Cyrillic, accents,
    /// an apostrophe), address, and signed unsubscribe and preferences links.
    /// </summary>
    public static IReadOnlyList<Recipient> Recipients(int count)
    {
        var links = Get<SubscriptionLinks>();
        var recipients = new List<Recipient>(count);
        for (var i = 0; i < count; i++)
        {
            var first = FirstNames[i % FirstNames.Length];
            var last = LastNames[i / FirstNames.Length % LastNames.Length];
            var email = $"official{i:D4}.{i % 97}@{Domains[i % Domains.Length]}";
            var id = Get<SubscriberIds>().Of(EmailAddress.Normalize(email));
            recipients.Add(new Recipient(id, email, $"{first} {last}", links.Unsubscribe(id), links.Preferences(id)));
        }
        return recipients;
    }
}
