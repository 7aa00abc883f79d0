using System.Text;
using System.Text.Json;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class SubscribersAdminCommandTests(AzuriteFixture azurite) : IDisposable
{
    private const string Karimova = "d.karimova@customs.uz.example";

    private readonly TempFolder _temp = new();

    private Dictionary<string, string?> Settings() => TestSettings.For(azurite, _temp.Combine("outbox"));

    private static Task<CliRun> Run(IReadOnlyDictionary<string, string?> settings, params string[] args) => CliRun.RunAsync(settings, args);

    private static async Task AddKarimovaAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var add = await Run(settings, "subscribers", "add", "--email", Karimova, "--name", "Dilnoza Karimova",
            "--organization", "Customs Committee of Uzbekistan", "--language", "ru", "--country", "uz",
            "--topics", "e-commerce, data model", "--time-zone", "Asia/Tashkent");
        Assert.True(add.ExitCode == 0, add.ToString());
    }

    [Fact]
    public async Task ShowPrintsTheRecordAndItsAuditHistoryAsJson()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);
        var update = await Run(settings, "subscribers", "update", Karimova, "--frequency", "weekly", "--name", "Dilnoza K.");
        Assert.True(update.ExitCode == 0, update.ToString());

        var show = await Run(settings, "subscribers", "show", settings.SubscriberIdOf(Karimova), "--json");

        Assert.True(show.ExitCode == 0, show.ToString());
        using var json = JsonDocument.Parse(show.Output);
        var s = json.RootElement.GetProperty("subscriber");
        Assert.Equal(Karimova, s.GetProperty("email").GetString());
        Assert.Equal(("UZ", "weekly", "Asia/Tashkent", "Dilnoza K."),
            (s.GetProperty("country").GetString(), s.GetProperty("frequency").GetString(),
                s.GetProperty("timeZone").GetString(), s.GetProperty("name").GetString()));
        Assert.Equal(["e-commerce", "data model"], s.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("admin", s.GetProperty("consent").GetProperty("source").GetString());
        var history = json.RootElement.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["updated", "created"], history.Select(h => h.GetProperty("action").GetString()));
        Assert.All(history, h => Assert.Equal("cli:" + Environment.UserName, h.GetProperty("actor").GetString()));
        var changes = history[0].GetProperty("changes");
        Assert.Equal("daily → weekly", changes.GetProperty("frequency").GetString());
        // Personal fields say only that they changed.
        Assert.Equal("changed", changes.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ShowAsTextNamesEveryField()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);

        var show = await Run(settings, "subscribers", "show", "D.Karimova@Customs.UZ.example");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(show.OutputLines, l => l.StartsWith("email:") && l.EndsWith(Karimova));
        Assert.Contains(show.OutputLines, l => l.StartsWith("topics:") && l.EndsWith("e-commerce, data model"));
        Assert.Contains(show.OutputLines, l => l.Contains("created") && l.Contains("cli:"));
    }

    [Fact]
    public async Task UpdateChangesOnlyTheOptionsGivenAndRejectsABadValue()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);

        var update = await Run(settings, "subscribers", "update", Karimova, "--country", "kz", "--topics", "");
        var bad = await Run(settings, "subscribers", "update", Karimova, "--language", "de");

        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Contains("country UZ → KZ", update.Output);
        Assert.Equal(1, bad.ExitCode);
        var line = Assert.Single(bad.ErrorLines);
        Assert.StartsWith("error: language 'de'", line);
        var s = JsonDocument.Parse((await Run(settings, "subscribers", "show", Karimova, "--json")).Output).RootElement.GetProperty("subscriber");
        Assert.Equal(
            ("KZ", "ru", "Dilnoza Karimova", 0),
            (s.GetProperty("country").GetString(), s.GetProperty("language").GetString(), s.GetProperty("name").GetString(),
                s.GetProperty("topics").GetArrayLength()));
    }

    [Fact]
    public async Task CliAddsSubscriberWithDeliveryHour()
    {
        var settings = Settings();

        var add = await Run(settings, "subscribers", "add", "--email", Karimova, "--name", "Dilnoza Karimova",
            "--organization", "Customs Committee of Uzbekistan", "--time-zone", "Asia/Tashkent", "--delivery-hour", "7");
        var other = await Run(settings, "subscribers", "add", "--email", "j.peeters@fin.be.example", "--name", "Jan Peeters",
            "--organization", "Belgian Customs");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(other.ExitCode == 0, other.ToString());
        var show = await Run(settings, "subscribers", "show", Karimova, "--json");
        Assert.Equal(7, JsonDocument.Parse(show.Output).RootElement.GetProperty("subscriber").GetProperty("deliveryHour").GetInt32());
        var listed = JsonDocument.Parse((await Run(settings, "subscribers", "list", "--json")).Output).RootElement.EnumerateArray()
            .ToDictionary(i => i.GetProperty("email").GetString()!, i => i.GetProperty("deliveryHour"));
        Assert.Equal(7, listed[Karimova].GetInt32());
        Assert.Equal(JsonValueKind.Null, listed["j.peeters@fin.be.example"].ValueKind);
        var text = await Run(settings, "subscribers", "show", Karimova);
        Assert.Contains("delivery at:  07:00", text.OutputLines);
        var defaultText = await Run(settings, "subscribers", "show", "j.peeters@fin.be.example");
        Assert.Contains("delivery at:  default (08:00)", defaultText.OutputLines);
    }

    [Fact]
    public async Task CliUpdatesAndClearsDeliveryHour()
    {
        var settings = Settings();
        settings["Schedule:DeliveryHour"] = "9";
        await AddKarimovaAsync(settings);

        var set = await Run(settings, "subscribers", "update", Karimova, "--delivery-hour", "06:00");
        var afterSet = JsonDocument.Parse((await Run(settings, "subscribers", "show", Karimova, "--json")).Output).RootElement;
        var clear = await Run(settings, "subscribers", "update", Karimova, "--delivery-hour", "");
        var afterClear = JsonDocument.Parse((await Run(settings, "subscribers", "show", Karimova, "--json")).Output).RootElement;
        var text = await Run(settings, "subscribers", "show", Karimova);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("deliveryHour default → 6", set.Output);
        Assert.Equal(6, afterSet.GetProperty("subscriber").GetProperty("deliveryHour").GetInt32());
        Assert.True(clear.ExitCode == 0, clear.ToString());
        Assert.Contains("deliveryHour 6 → default", clear.Output);
        Assert.Equal(JsonValueKind.Null, afterClear.GetProperty("subscriber").GetProperty("deliveryHour").ValueKind);
        Assert.Equal(["6 → default", "default → 6"], afterClear.GetProperty("history").EnumerateArray()
            .Where(h => h.GetProperty("changes").TryGetProperty("deliveryHour", out _))
            .Select(h => h.GetProperty("changes").GetProperty("deliveryHour").GetString()));
        Assert.Contains("delivery at:  default (09:00)", text.OutputLines);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("update")]
    public async Task CliRejectsDeliveryHourOutsideTheDay(string verb)
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);
        string[] args = verb == "add"
            ? ["subscribers", "add", "--email", "new@customs.example", "--name", "New Reader", "--organization", "Customs", "--delivery-hour", "24"]
            : ["subscribers", "update", Karimova, "--delivery-hour", "24", "--frequency", "weekly"];

        var run = await Run(settings, args);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: deliveryHour must be a whole hour from 0 to 23", Assert.Single(run.ErrorLines));
        var listed = JsonDocument.Parse((await Run(settings, "subscribers", "list", "--json")).Output).RootElement.EnumerateArray().ToList();
        var karimova = Assert.Single(listed);
        Assert.Equal((Karimova, JsonValueKind.Null, "daily"),
            (karimova.GetProperty("email").GetString(), karimova.GetProperty("deliveryHour").ValueKind, karimova.GetProperty("frequency").GetString()));
    }

    [Fact]
    public async Task SuspendAndActivateChangeTheStatus()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);

        var suspend = await Run(settings, "subscribers", "suspend", Karimova);
        var listed = await Run(settings, "subscribers", "list", "--status", "suspended", "--json");
        var again = await Run(settings, "subscribers", "suspend", Karimova);
        var activate = await Run(settings, "subscribers", "activate", settings.SubscriberIdOf(Karimova));

        Assert.True(suspend.ExitCode == 0, suspend.ToString());
        Assert.Contains("is now suspended (was active)", suspend.Output);
        Assert.Single(JsonDocument.Parse(listed.Output).RootElement.EnumerateArray());
        Assert.Contains("already suspended", again.Output);
        Assert.Contains("is now active (was suspended)", activate.Output);
    }

    [Fact]
    public async Task RemoveErasesTheRecordAndKeepsOnlyTheHashedId()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);
        var id = settings.SubscriberIdOf(Karimova);

        var remove = await Run(settings, "subscribers", "remove", Karimova, "--yes");
        var show = await Run(settings, "subscribers", "show", id);

        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Contains(id, remove.Output);
        Assert.DoesNotContain("karimova", remove.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, show.ExitCode);
        Assert.Contains($"no subscriber {id}", Assert.Single(show.ErrorLines));
        Assert.Empty(JsonDocument.Parse((await Run(settings, "subscribers", "list", "--json")).Output).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task AnIdInUpperCaseIsTheSameSubscriberForShowUpdateAndRemove()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);
        var id = settings.SubscriberIdOf(Karimova);
        var upper = id.ToUpperInvariant();

        var lowerShow = await Run(settings, "subscribers", "show", id, "--json");
        var upperShow = await Run(settings, "subscribers", "show", upper, "--json");
        var update = await Run(settings, "subscribers", "update", upper, "--name", "Dilnoza K.");
        var remove = await Run(settings, "subscribers", "remove", upper, "--yes");
        var gone = await Run(settings, "subscribers", "show", id);

        Assert.True(upperShow.ExitCode == 0, upperShow.ToString());
        Assert.Equal(lowerShow.Output, upperShow.Output);
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Contains(id, remove.Output);
        Assert.Equal(1, gone.ExitCode);
        Assert.Empty(JsonDocument.Parse((await Run(settings, "subscribers", "list", "--json")).Output).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task AddAfterRemoveIsRefusedUntilOverriddenWithAReason()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);
        Assert.Equal(0, (await Run(settings, "subscribers", "remove", Karimova, "--yes")).ExitCode);
        string[] add = ["subscribers", "add", "--email", Karimova, "--name", "Dilnoza Karimova", "--organization", "Customs Committee of Uzbekistan"];

        var refused = await Run(settings, add);
        var overridden = await Run(settings, [.. add, "--override-suppression", "asked to be re-added by email"]);
        var show = await Run(settings, "subscribers", "show", Karimova, "--json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--override-suppression", Assert.Single(refused.ErrorLines));
        Assert.True(overridden.ExitCode == 0, overridden.ToString());
        Assert.Contains("asked to be re-added by email", show.Output);
        Assert.Contains("suppression overridden", show.Output);
    }

    [Fact]
    public async Task MigrateIdsReportsWhatItMovedAndIsIdempotent()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);

        var first = await Run(settings, "subscribers", "migrate-ids");
        var json = await Run(settings, "subscribers", "migrate-ids", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("1 subscribers; 0 moved to keyed ids, 1 already keyed.", first.Output);
        Assert.Equal(1, JsonDocument.Parse(json.Output).RootElement.GetProperty("alreadyKeyed").GetInt32());
    }

    [Fact]
    public async Task AgainstADeployedAccountWithoutTheIdKeyNothingStartsAndTheErrorNamesTheSetting()
    {
        var settings = Settings();
        settings["AzureWebJobsStorage"] = null;
        settings["AzureWebJobsStorage:accountName"] = "stnotificationsprod";
        settings["Subscribers:IdKey"] = null; // the local key is for Azurite only: ids must be the app's

        var run = await Run(settings, "subscribers", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Subscribers:IdKey", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("show")]
    [InlineData("update")]
    [InlineData("remove")]
    [InlineData("suspend")]
    [InlineData("activate")]
    public async Task UnknownSubscriberIsOneErrorLineNamingItAndExitCode1(string verb)
    {
        var settings = Settings();
        string[] args = verb switch
        {
            "update" => ["subscribers", verb, "nobody@customs.example", "--name", "N"],
            "remove" => ["subscribers", verb, "nobody@customs.example", "--yes"],
            _ => ["subscribers", verb, "nobody@customs.example"],
        };

        var run = await Run(settings, args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        var line = Assert.Single(run.ErrorLines);
        // The admin's own terminal shows the address in full (masking belongs in logs).
        Assert.StartsWith("error: no subscriber nobody@customs.example", line);
    }

    [Fact]
    public async Task ImportDryRunReportsRowErrorsWritesNothingAndExits1()
    {
        var settings = Settings();
        var file = _temp.Write("officials.csv", string.Join("\r\n",
            "email,name,organization,country,topics",
            "d.karimova@customs.uz.example,Dilnoza Karimova,Customs Committee of Uzbekistan,UZ,e-commerce;data model",
            "a.aliyev@customs.az.example,Anar Aliyev,State Customs Committee,XX,",
            "j.peeters@fin.be.example,Jan Peeters,Belgian Customs,BE,") + "\r\n");

        var text = await Run(settings, "subscribers", "import", file, "--dry-run");
        var json = await Run(settings, "subscribers", "import", file, "--dry-run", "--json");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("Dry run of officials.csv: 3 rows; 2 to create, 0 to update, 0 unchanged, 1 with errors. Nothing was written.", text.Output);
        var line = Assert.Single(text.ErrorLines);
        Assert.StartsWith("error: row 3 (a***@customs.az.example), country: country 'XX'", line);
        Assert.Equal(1, json.ExitCode);
        using var report = JsonDocument.Parse(json.Output);
        Assert.True(report.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, report.RootElement.GetProperty("created").GetInt32());
        var error = Assert.Single(report.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal((3, "country"), (error.GetProperty("row").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Empty(JsonDocument.Parse((await Run(settings, "subscribers", "list", "--json")).Output).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task ImportWritesAValidFileAndExits0()
    {
        var settings = Settings();
        var file = _temp.Write("officials.csv", "email,name,organization\r\nj.peeters@fin.be.example,Jan Peeters,Belgian Customs\r\n");

        var import = await Run(settings, "subscribers", "import", file);

        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("Imported officials.csv: 1 rows; 1 created", import.Output);
        Assert.Single(JsonDocument.Parse((await Run(settings, "subscribers", "list", "--json")).Output).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task ImportOfAMissingFileIsOneErrorLine()
    {
        var run = await Run(Settings(), "subscribers", "import", _temp.Combine("nope.csv"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: file not found", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task ExportWritesCsvToStandardOutputOrAFileWithFilters()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);
        var other = await Run(settings, "subscribers", "add", "--email", "j.peeters@fin.be.example", "--name", "=HYPERLINK(\"x\")",
            "--organization", "Belgian Customs", "--country", "BE");
        Assert.True(other.ExitCode == 0, other.ToString());

        var stdout = await Run(settings, "subscribers", "export", "--country", "BE");
        var path = _temp.Combine("all.csv");
        var toFile = await Run(settings, "subscribers", "export", "--out", path);

        Assert.True(stdout.ExitCode == 0, stdout.ToString());
        Assert.Equal(2, stdout.OutputLines.Count);
        Assert.StartsWith("email,name,organization,country,language,frequency,topics,time_zone,status,id,", stdout.OutputLines[0]);
        Assert.StartsWith("j.peeters@fin.be.example,\"'=HYPERLINK(\"\"x\"\")\",Belgian Customs,BE,", stdout.OutputLines[1]);
        Assert.True(toFile.ExitCode == 0, toFile.ToString());
        Assert.Contains("Exported 2 subscribers", toFile.Output);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal(3, Encoding.UTF8.GetString(bytes).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task ExportWithAnUnknownStatusIsOneErrorLine()
    {
        var run = await Run(Settings(), "subscribers", "export", "--status", "sleeping");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: status 'sleeping'", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task CoverageListsConfiguredAdministrationsWithoutSubscribers()
    {
        var settings = Settings();
        settings["Members:Administrations:0:Organization"] = "Customs Committee of Uzbekistan";
        settings["Members:Administrations:0:Country"] = "UZ";
        settings["Members:Administrations:1:Organization"] = "State Customs Committee";
        settings["Members:Administrations:1:Country"] = "AZ";
        await AddKarimovaAsync(settings);

        var text = await Run(settings, "subscribers", "coverage");
        var json = await Run(settings, "subscribers", "coverage", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(text.OutputLines, l => l.StartsWith("AZ ") && l.Contains(" 0 ") && l.EndsWith("State Customs Committee"));
        Assert.Contains(text.OutputLines, l => l.StartsWith("UZ ") && l.EndsWith("Customs Committee of Uzbekistan"));
        Assert.Contains("2 member administrations configured, 1 of them without an active subscriber.", text.Output);
        var rows = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["AZ", "UZ"], rows.Select(r => r.GetProperty("country").GetString()));
        Assert.Equal((0, 1), (rows[0].GetProperty("active").GetInt32(), rows[1].GetProperty("active").GetInt32()));
    }

    public void Dispose() => _temp.Dispose();
}
