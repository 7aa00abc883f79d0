using System.Diagnostics;
using System.Text;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

public sealed class SubscriberCsvTests(AzuriteFixture azurite)
{
    private const string Header = "email,name,organization,country,language,frequency,topics,time_zone,status";
    private const string Actor = "test:admin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MemoryStream Csv(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));

    [Fact]
    public async Task DryRunReportsEveryBadRowWithRowAndFieldAndWritesNothing()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var csv = host.Get<SubscriberCsv>();

        var report = await csv.ImportAsync(Csv(
            Header,
            "d.karimova@customs.uz.example,Dilnoza Karimova,Customs Committee of Uzbekistan,UZ,ru,weekly,e-commerce;data model,Asia/Tashkent,",
            "not-an-address,Bad Email,Org,,,,,,",
            "a.aliyev@customs.az.example,Anar Aliyev,State Customs Committee,XX,,,,,",
            "j.peeters@fin.be.example,Jan Peeters,Belgian Customs,BE,fr,,astrology,,",
            "m.dubois@douane.example,Marie Dubois,French Customs,FR,fr,hourly,,,",
            "D.Karimova@Customs.UZ.example,Dilnoza K.,Customs Committee of Uzbekistan,UZ,,,,,",
            ",No Address,Org,,,,,,",
            "ok@customs.example,Fine Row,Customs,,,,,,"), dryRun: true, Actor, Ct);

        Assert.True(report.DryRun);
        Assert.Equal((8, 2, 0, 0), (report.Rows, report.Created, report.Updated, report.Unchanged));
        // Row = the line of the file, as a spreadsheet numbers rows: the header is row 1.
        Assert.Equal(
            [(3, "email"), (4, "country"), (5, "topics"), (6, "frequency"), (7, "email"), (8, "email")],
            report.Errors.Select(e => (e.Row, e.Field)));
        Assert.Equal(6, report.Skipped);
        var duplicate = report.Errors.Single(e => e.Row == 7);
        Assert.Equal("d***@customs.uz.example", duplicate.Email);
        Assert.Contains("row 2", duplicate.Message);
        Assert.Null(report.Errors.Single(e => e.Row == 8).Email);
        Assert.Equal("a***@customs.az.example", report.Errors.Single(e => e.Row == 4).Email);
        Assert.Contains("'XX'", report.Errors.Single(e => e.Row == 4).Message);
        Assert.Contains("astrology", report.Errors.Single(e => e.Row == 5).Message);
        Assert.Contains("hourly", report.Errors.Single(e => e.Row == 6).Message);
        // Addresses are masked in the report.
        Assert.DoesNotContain(report.Errors, e => e.Email is { } m && !m.Contains("***"));

        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
        Assert.Empty(await host.Get<SubscriberAudit>().ListAsync(SubscriberCsv.AuditId, Ct));
    }

    [Fact]
    public async Task RealRunWritesValidRowsSkipsBadOnesAndAuditsOnce()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var csv = host.Get<SubscriberCsv>();

        var report = await csv.ImportAsync(Csv(
            Header,
            "D.Karimova@Customs.UZ.example,Dilnoza Karimova,Customs Committee of Uzbekistan,uz,RU,Weekly,E-Commerce;data model,Asia/Tashkent,pending",
            "a.aliyev@customs.az.example,Anar Aliyev,State Customs Committee,XX,,,,,",
            "j.peeters@fin.be.example,Jan Peeters,Belgian Customs,BE,,,,,"), dryRun: false, Actor, Ct);

        Assert.False(report.DryRun);
        Assert.Equal((3, 2, 0, 0, 1), (report.Rows, report.Created, report.Updated, report.Unchanged, report.Errors.Count));
        var all = (await host.Get<SubscriberStore>().ListAsync(Ct)).OrderBy(s => s.Email).ToList();
        Assert.Equal(["d.karimova@customs.uz.example", "j.peeters@fin.be.example"], all.Select(s => s.Email));
        var uz = all[0];
        Assert.Equal(
            ("UZ", "ru", DigestFrequency.Weekly, SubscriberStatus.Pending, "Asia/Tashkent"),
            (uz.Country, uz.Language, uz.Frequency, uz.Status, uz.TimeZone));
        Assert.Equal(["e-commerce", "data model"], uz.TopicList);
        Assert.Equal(new Consent("import", host.Time.GetUtcNow(), null), uz.Consent);
        var be = all[1];
        // Defaults as for an admin: en, daily, active, all topics, UTC.
        Assert.Equal(("en", DigestFrequency.Daily, SubscriberStatus.Active, "UTC", 0), (be.Language, be.Frequency, be.Status, be.TimeZone, be.TopicList.Count));
        Assert.Equal(new Consent("import", host.Time.GetUtcNow(), host.Time.GetUtcNow()), be.Consent);

        var entry = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(SubscriberCsv.AuditId, Ct));
        Assert.Equal((Actor, "imported"), (entry.Actor, entry.Action));
        Assert.Equal("3", entry.Changes["rows"]);
        Assert.Equal("2", entry.Changes["created"]);
        Assert.Equal("1", entry.Changes["skipped"]);
    }

    [Fact]
    public async Task ReimportUpdatesOnlyTheColumnsGivenAndKeepsCreatedAtStatusAndConsent()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var csv = host.Get<SubscriberCsv>();
        var store = host.Get<SubscriberStore>();
        await csv.ImportAsync(Csv(
            Header,
            "d.karimova@customs.uz.example,Dilnoza Karimova,Customs Committee of Uzbekistan,UZ,ru,weekly,e-commerce,Asia/Tashkent,",
            "j.peeters@fin.be.example,Jan Peeters,Belgian Customs,BE,fr,daily,,Europe/Brussels,"), dryRun: false, Actor, Ct);
        var original = (await store.FindByEmailAsync("d.karimova@customs.uz.example", Ct))!;
        await host.Get<SubscriberAdmin>().SuspendAsync(original.Id, Actor, Ct);
        host.Time.Advance(TimeSpan.FromDays(3));

        // Only some columns, some cells empty: the rest stays.
        var report = await csv.ImportAsync(Csv(
            "Email,Language,Frequency,Topics,Name",
            "D.KARIMOVA@customs.uz.example,,daily,data model;green customs,",
            "j.peeters@fin.be.example,fr,daily,,Jan Peeters"), dryRun: false, Actor, Ct);

        Assert.Equal((2, 0, 1, 1), (report.Rows, report.Created, report.Updated, report.Unchanged));
        Assert.Empty(report.Errors);
        var after = (await store.GetAsync(original.Id, Ct))!;
        Assert.Equal(DigestFrequency.Daily, after.Frequency);
        Assert.Equal(["data model", "green customs"], after.TopicList);
        Assert.Equal(("Dilnoza Karimova", "Customs Committee of Uzbekistan", "UZ", "ru", "Asia/Tashkent"),
            (after.Name, after.Organization, after.Country, after.Language, after.TimeZone));
        Assert.Equal(SubscriberStatus.Suspended, after.Status);
        Assert.Equal(original.CreatedAt, after.CreatedAt);
        Assert.Equal(original.Consent, after.Consent);
        Assert.Equal(host.Time.GetUtcNow(), after.UpdatedAt);
        var unchanged = (await store.FindByEmailAsync("j.peeters@fin.be.example", Ct))!;
        Assert.Equal(original.CreatedAt, unchanged.UpdatedAt);
    }

    [Fact]
    public async Task StatusColumnChangesAnExistingStatusButNeverResubscribesSomeoneWhoUnsubscribed()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var csv = host.Get<SubscriberCsv>();
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([
            new NewSubscriber("left@x.example", "Left", "Org", Status: SubscriberStatus.Unsubscribed),
            new NewSubscriber("paused@x.example", "Paused", "Org", Status: SubscriberStatus.Suspended),
        ], Ct);

        var report = await csv.ImportAsync(Csv("email,status,name", "left@x.example,active,New Name", "paused@x.example,active,"), dryRun: false, Actor, Ct);

        var error = Assert.Single(report.Errors);
        Assert.Equal((2, "status", "l***@x.example"), (error.Row, error.Field, error.Email));
        Assert.Contains("unsubscribed", error.Message);
        Assert.Equal(1, report.Updated);
        Assert.Equal(
            (SubscriberStatus.Unsubscribed, "Left"),
            ((await store.FindByEmailAsync("left@x.example", Ct))!.Status, (await store.FindByEmailAsync("left@x.example", Ct))!.Name));
        Assert.Equal(SubscriberStatus.Active, (await store.FindByEmailAsync("paused@x.example", Ct))!.Status);
    }

    [Fact]
    public async Task MissingEmailHeaderIsOneErrorNamingTheHeader()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv("name,organization", "Jane,Customs"), dryRun: false, Actor, Ct);

        var error = Assert.Single(report.Errors);
        Assert.Equal((1, "email"), (error.Row, error.Field));
        Assert.Contains("no column 'email'", error.Message);
        Assert.Equal((0, 0), (report.Rows, report.Created));
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\r\n\r\n")]
    public async Task EmptyFileIsOneErrorAskingForAHeader(string content)
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));

        var report = await host.Get<SubscriberCsv>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(content)), dryRun: false, Actor, Ct);

        var error = Assert.Single(report.Errors);
        Assert.Equal((0, "file"), (error.Row, error.Field));
        Assert.Contains("empty", error.Message);
        Assert.Contains("email", error.Message);
    }

    [Fact]
    public async Task RowsWhoseCellsAreAllEmptyAreNotRows()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));

        var report = await host.Get<SubscriberCsv>().ImportAsync(
            Csv("email,name,organization", "a@x.example,A,Org", ",,", " , ,", "b@x.example,B,Org"), dryRun: true, Actor, Ct);

        Assert.Empty(report.Errors);
        Assert.Equal((2, 2), (report.Rows, report.Created));
    }

    [Fact]
    public async Task MisspeltColumnIsAnErrorRatherThanIgnored()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv("email,name,organization,langauge", "a@x.example,A,Org,ru"), dryRun: false, Actor, Ct);

        var error = Assert.Single(report.Errors);
        Assert.Equal((1, "langauge"), (error.Row, error.Field));
        Assert.Contains("unknown column 'langauge'", error.Message);
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
    }

    [Fact]
    public async Task MoreThanTenThousandRowsAreRefusedBeforeAnythingIsWritten()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var lines = Enumerable.Range(0, SubscriberCsv.MaxRows + 1).Select(i => $"u{i}@x.example,User {i},Org").Prepend("email,name,organization").ToArray();

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv(lines), dryRun: false, Actor, Ct);

        var error = Assert.Single(report.Errors);
        Assert.Equal("file", error.Field);
        Assert.Contains("10,001 data rows", error.Message);
        Assert.Contains("at most 10,000", error.Message);
        Assert.Equal((0, 0), (report.Created, report.Updated));
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
        Assert.Empty(await host.Get<SubscriberAudit>().ListAsync(SubscriberCsv.AuditId, Ct));
    }

    [Fact]
    public async Task FileThatIsNotUtf8IsRefusedWithAHintForExcel()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        // "Дилноза" in Windows-1251, as Excel in a Russian locale saves "CSV (comma delimited)".
        byte[] bytes =
        [
            .. Encoding.ASCII.GetBytes("email,name,organization\r\nd@x.example,"),
            0xC4, 0xE8, 0xEB, 0xED, 0xEE, 0xE7, 0xE0,
            .. Encoding.ASCII.GetBytes(",Org\r\n")
        ];

        var report = await host.Get<SubscriberCsv>().ImportAsync(new MemoryStream(bytes), dryRun: false, Actor, Ct);

        var error = Assert.Single(report.Errors);
        Assert.Equal("file", error.Field);
        Assert.Contains("CSV UTF-8", error.Message);
    }

    [Fact]
    public async Task SemicolonSeparatedFileFromAnotherLocaleImports()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv(
            "email;name;organization;topics",
            "a@x.example;Anne Dupont;Douane française;\"e-commerce;data model\""), dryRun: false, Actor, Ct);

        Assert.Empty(report.Errors);
        var a = Assert.Single(await host.Get<SubscriberStore>().ListAsync(Ct));
        Assert.Equal(("Anne Dupont", "Douane française"), (a.Name, a.Organization));
        Assert.Equal(["e-commerce", "data model"], a.TopicList);
    }

    [Fact]
    public async Task ExportNeutralisesFormulasAndRoundTrips()
    {
        var settings = TestSettings.For(azurite);
        await using var host = await TestHost.StartAsync(settings);
        var csv = host.Get<SubscriberCsv>();
        var store = host.Get<SubscriberStore>();
        const string formula = "=HYPERLINK(\"http://evil.example\",\"Click\")";
        await store.UpsertManyAsync([
            new NewSubscriber("d.karimova@customs.uz.example", "Dilnoza Karimova", "Таможенный комитет, Узбекистан", "ru", DigestFrequency.Weekly,
                Country: "UZ", Topics: ["e-commerce", "data model"], TimeZone: "Asia/Tashkent"),
            new NewSubscriber("x@evil.example", formula, "@SUM(1+1)", Status: SubscriberStatus.Pending),
            new NewSubscriber("-dash@x.example", "+plus", "'quoted already", Country: "BE"),
        ], Ct);
        var before = (await store.ListAsync(Ct)).OrderBy(s => s.Email).ToList();

        using var exported = new MemoryStream();
        var count = await csv.ExportAsync(exported, new SubscriberFilter(), Ct);

        Assert.Equal(3, count);
        var bytes = exported.ToArray();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("email,name,organization,country,language,frequency,topics,time_zone,status,id,created_at,updated_at,consent_source,confirmed_" +
            "at,delivery_hour", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("'-dash@x.example,'+plus,'quoted already,BE,en,daily,,UTC,active,", lines[1]);
        Assert.Contains("\"Таможенный комитет, Узбекистан\",UZ,ru,weekly,e-commerce;data model,Asia/Tashkent,active,", lines[2]);
        Assert.StartsWith("x@evil.example,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\",'@SUM(1+1),,en,daily,,UTC,pending,", lines[3]);
        Assert.Contains($",{host.Get<SubscriberStore>().IdOf("x@evil.example")},2026-11-26T07:00:00Z,2026-11-26T07:00:00Z,admin,", lines[3]);
        Assert.DoesNotContain(lines.Skip(1).SelectMany(l => l.Split(',')), cell => cell.Length > 0 && "=+-@".Contains(cell[0]));

        // Edit nothing, import the file again: every row is unchanged; then import it into an empty list: the same subscribers.
        host.Time.Advance(TimeSpan.FromHours(1));
        var again = await csv.ImportAsync(new MemoryStream(bytes), dryRun: false, Actor, Ct);
        Assert.Empty(again.Errors);
        Assert.Equal((3, 0, 0, 3), (again.Rows, again.Created, again.Updated, again.Unchanged));

        var otherSettings = TestSettings.For(azurite);
        otherSettings["Subscribers:IdKey"] = settings["Subscribers:IdKey"]; // the same deployment: the same ids
        await using var other = await TestHost.StartAsync(otherSettings, host.Time.GetUtcNow());
        var fresh = await other.Get<SubscriberCsv>().ImportAsync(new MemoryStream(bytes), dryRun: false, Actor, Ct);
        Assert.Equal(3, fresh.Created);
        var copied = (await other.Get<SubscriberStore>().ListAsync(Ct)).OrderBy(s => s.Email).ToList();
        Assert.Equal(
            before.Select(s => (s.Id, s.Email, s.Name, s.Organization, s.Country, s.Language, s.Frequency, s.Status, s.TimeZone,
                string.Join(";", s.TopicList))),
            copied.Select(s => (s.Id, s.Email, s.Name, s.Organization, s.Country, s.Language, s.Frequency, s.Status, s.TimeZone,
                string.Join(";", s.TopicList))));
        Assert.Equal(formula, copied.Single(s => s.Email == "x@evil.example").Name);
    }

    [Fact]
    public async Task CsvRoundTripKeepsDeliveryHour()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var csv = host.Get<SubscriberCsv>();
        var imported = await csv.ImportAsync(Csv(
            Header + ",delivery_hour",
            "d.karimova@customs.uz.example,Dilnoza Karimova,Customs Committee of Uzbekistan,UZ,ru,weekly,,Asia/Tashkent,,7",
            "j.peeters@fin.be.example,Jan Peeters,Belgian Customs,BE,fr,daily,,Europe/Brussels,,18:00",
            "m.dubois@douane.example,Marie Dubois,French Customs,FR,fr,daily,,Europe/Paris,,"), dryRun: false, Actor, Ct);
        Assert.Empty(imported.Errors);
        var before = (await host.Get<SubscriberStore>().ListAsync(Ct)).ToDictionary(s => s.Email, s => s.DeliveryHour);
        Assert.Equal(7, before["d.karimova@customs.uz.example"]);
        Assert.Equal(18, before["j.peeters@fin.be.example"]);
        Assert.Null(before["m.dubois@douane.example"]);

        using var exported = new MemoryStream();
        await csv.ExportAsync(exported, new SubscriberFilter(), Ct);
        var bytes = exported.ToArray();
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        // delivery_hour is the last column: the columns before it keep their positions.
        Assert.EndsWith(",confirmed_at,delivery_hour", lines[0]);
        Assert.EndsWith(",7", lines.Single(l => l.StartsWith("d.karimova@", StringComparison.Ordinal)));
        Assert.EndsWith(",18", lines.Single(l => l.StartsWith("j.peeters@", StringComparison.Ordinal)));
        Assert.EndsWith(",", lines.Single(l => l.StartsWith("m.dubois@", StringComparison.Ordinal)));

        // The same file again changes nothing; into an empty list it gives the same hours.
        host.Time.Advance(TimeSpan.FromHours(1));
        var again = await csv.ImportAsync(new MemoryStream(bytes), dryRun: false, Actor, Ct);
        Assert.Equal((3, 0, 0, 3), (again.Rows, again.Created, again.Updated, again.Unchanged));
        await using var other = await TestHost.StartAsync(TestSettings.For(azurite), host.Time.GetUtcNow());
        var fresh = await other.Get<SubscriberCsv>().ImportAsync(new MemoryStream(bytes), dryRun: false, Actor, Ct);
        Assert.Equal(3, fresh.Created);
        Assert.Equal(before, (await other.Get<SubscriberStore>().ListAsync(Ct)).ToDictionary(s => s.Email, s => s.DeliveryHour));
    }

    [Fact]
    public async Task ReimportChangesTheDeliveryHourAndAnEmptyCellKeepsIt()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([
            new NewSubscriber("early@customs.example", "Early Reader", "Customs", DeliveryHour: 6),
            new NewSubscriber("late@customs.example", "Late Reader", "Customs", DeliveryHour: 20),
        ], Ct);
        host.Time.Advance(TimeSpan.FromHours(1));

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv(
            "email,Delivery Hour",
            "early@customs.example,9",
            "late@customs.example,"), dryRun: false, Actor, Ct);

        Assert.Empty(report.Errors);
        Assert.Equal((2, 0, 1, 1), (report.Rows, report.Created, report.Updated, report.Unchanged));
        Assert.Equal(9, (await store.FindByEmailAsync("early@customs.example", Ct))!.DeliveryHour);
        Assert.Equal(20, (await store.FindByEmailAsync("late@customs.example", Ct))!.DeliveryHour);
    }

    [Fact]
    public async Task CsvRejectsDeliveryHourOutsideTheDayNamingTheColumn()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([new NewSubscriber("known@customs.example", "Known Reader", "Customs", DeliveryHour: 6)], Ct);

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv(
            "email,name,organization,delivery_hour",
            "new@customs.example,New Reader,Customs,24",
            "known@customs.example,Renamed Reader,,8.5",
            "fine@customs.example,Fine Reader,Customs,0"), dryRun: false, Actor, Ct);

        Assert.Equal([(2, "delivery_hour"), (3, "delivery_hour")], report.Errors.Select(e => (e.Row, e.Field)));
        Assert.All(report.Errors, e => Assert.StartsWith("delivery_hour must be a whole hour from 0 to 23", e.Message));
        Assert.Contains("'24'", report.Errors[0].Message);
        Assert.Null(await store.FindByEmailAsync("new@customs.example", Ct));
        var known = (await store.FindByEmailAsync("known@customs.example", Ct))!;
        Assert.Equal((6, "Known Reader"), (known.DeliveryHour, known.Name));
        Assert.Equal(0, (await store.FindByEmailAsync("fine@customs.example", Ct))!.DeliveryHour);
    }

    [Fact]
    public async Task ExportWritesOnlyTheFilteredSubscribers()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new NewSubscriber("uz@x.example", "A", "Org", Country: "UZ"),
            new NewSubscriber("be@x.example", "B", "Org", Country: "BE"),
        ], Ct);

        using var exported = new MemoryStream();
        var count = await host.Get<SubscriberCsv>().ExportAsync(exported, new SubscriberFilter(Country: "UZ"), Ct);

        Assert.Equal(1, count);
        var text = Encoding.UTF8.GetString(exported.ToArray());
        Assert.Contains("uz@x.example", text);
        Assert.DoesNotContain("be@x.example", text);
    }

    [Fact]
    public async Task ImportsTenThousandRowsInOneCall()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        string[] countries = ["UZ", "AZ", "BE", "FR", "KZ", "GE"];
        var lines = Enumerable.Range(0, SubscriberCsv.MaxRows)
            .Select(i => $"official{i:D5}@customs{i % 40}.example,Official {i},Customs administration " +
                $"{i % 40},{countries[i % countries.Length]},{SubscriberRules.Languages[i % 3]},{(i % 2 == 0 ? "daily" : "weekly")}" +
                    $",{(i % 3 == 0 ? "e-commerce;data model" : "")},{(i % 4 == 0 ? "Asia/Tashkent" : "")},")
            .Prepend(Header).ToArray();
        var clock = Stopwatch.StartNew();

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv(lines), dryRun: false, Actor, Ct);

        clock.Stop();
        TestContext.Current.SendDiagnosticMessage($"Imported {SubscriberCsv.MaxRows:N0} rows on Azurite in {clock.Elapsed.TotalSeconds:F1} s.");
        Assert.Empty(report.Errors);
        Assert.Equal((SubscriberCsv.MaxRows, SubscriberCsv.MaxRows, 0, 0), (report.Rows, report.Created, report.Updated, report.Unchanged));
        Assert.Equal(SubscriberCsv.MaxRows, (await host.Get<SubscriberStore>().ListAsync(Ct)).Count);
    }
}
