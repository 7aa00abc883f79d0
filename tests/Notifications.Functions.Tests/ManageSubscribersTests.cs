using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>The admin API through the function classes, on Azurite: JSON in and out, RFC 7807 problems naming the field, an audit of every change.</summary>
public sealed class ManageSubscribersTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Karimov = """
        {"email":"A.Karimov@Customs.UZ.example","name":"Aziz Karimov","organization":"Customs Committee of Uzbekistan",
         "country":"uz","language":"ru","frequency":"weekly","topics":["e-commerce"],"timeZone":"Asia/Tashkent"}
        """;

    private static async Task<(TestHost Host, ManageSubscribers Api)> StartAsync(AzuriteFixture azurite, bool platformAuthentication = false)
    {
        var settings = TestSettings.For(azurite);
        if (platformAuthentication) settings[SubscriberApi.PlatformAuthenticationSetting] = "True";
        var host = await TestHost.StartAsync(settings);
        return (host, ActivatorUtilities.CreateInstance<ManageSubscribers>(host.Services));
    }

    [Fact]
    public async Task CreateReturnsTheRecordAndItsLocation()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;

        var created = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov);

        Assert.Equal(201, created.Status);
        var json = created.Json;
        var id = json.GetProperty("id").GetString()!;
        Assert.Equal($"/api/manage/subscribers/{id}", created.Headers.Location.ToString());
        Assert.Equal("a.karimov@customs.uz.example", json.GetProperty("email").GetString());
        Assert.Equal(("UZ", "ru", "weekly", "active", "Asia/Tashkent"), (json.GetProperty("country").GetString(), json.GetProperty("language").GetString(),
            json.GetProperty("frequency").GetString(), json.GetProperty("status").GetString(), json.GetProperty("timeZone").GetString()));
        Assert.Equal("admin", json.GetProperty("consent").GetProperty("source").GetString());
    }

    [Fact]
    public async Task CreateAndUpdateStoreTopicsAsTheirKeys()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;

        var created = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST",
            body: Karimov.Replace("[\"e-commerce\"]", "[\"Data-Model\",\"модель данных\",\"NII\"]"));
        Assert.Equal(201, created.Status);
        Assert.Equal(["data model", "non-intrusive inspection"], created.Json.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        var id = created.Json.GetProperty("id").GetString()!;

        var updated = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH",
            body: """{"topics":["Modèle de données","green_customs"]}""");
        Assert.Equal(200, updated.Status);
        Assert.Equal(["data model", "green customs"], (await host.Get<SubscriberStore>().GetAsync(id, Ct))!.TopicList);
        var listed = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET", "topic=" + Uri.EscapeDataString("Зелёная таможня"));
        Assert.Equal(id, Assert.Single(listed.Json.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        var astrology = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET", "topic=astrology");
        Assert.Equal((400, "topics"), (astrology.Status, astrology.Json.GetProperty("field").GetString()));

        var unknown = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"topics":["astrology"]}""");
        Assert.Equal(400, unknown.Status);
        Assert.Contains("use any of: Data exchange, Data model,", unknown.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreatingAnExistingAddressIsAConflict()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov);

        var again = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov.Replace("A.Karimov", "a.karimov"));

        Assert.Equal(409, again.Status);
        Assert.Equal("email", again.Json.GetProperty("field").GetString());
        Assert.Equal("application/problem+json", again.Headers.ContentType.ToString());
    }

    [Theory]
    [InlineData("""{"email":"not-an-address","name":"A","organization":"O"}""", "email")]
    [InlineData("""{"email":"a@x.example","name":"","organization":"O"}""", "name")]
    [InlineData("""{"email":"a@x.example","name":"A","organization":"O","country":"Atlantis"}""", "country")]
    [InlineData("""{"email":"a@x.example","name":"A","organization":"O","language":"de"}""", "language")]
    [InlineData("""{"email":"a@x.example","name":"A","organization":"O","frequency":"hourly"}""", "frequency")]
    [InlineData("""{"email":"a@x.example","name":"A","organization":"O","topics":["astrology"]}""", "topics")]
    [InlineData("""{"email":"a@x.example","name":"A","organization":"O","timeZone":"Moon/Base"}""", "time_zone")]
    [InlineData("""{"email":"a@x.example","name":"A","organization":"O","nickname":"x"}""", "nickname")]
    [InlineData("""{"email":"a@x.example","name":"A","organization":"O","topics":"e-commerce"}""", "topics")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"email": """, "body")]
    public async Task InvalidInputIsAProblemNamingTheField(string body, string field)
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;

        var answer = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: body);

        Assert.Equal(400, answer.Status);
        Assert.Equal(field, answer.Json.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(answer.Json.GetProperty("detail").GetString()));
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
    }

    [Fact]
    public async Task GetFindsBySubscriberIdOrAddress()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var id = (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov)).Json.GetProperty("id").GetString()!;

        var byId = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, id, Ct), "GET");
        var byAddress = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, Uri.EscapeDataString("A.KARIMOV@customs.uz.example"), Ct), "GET");
        var missing = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, "nobody@x.example", Ct), "GET");

        Assert.Equal((200, 200, 404), (byId.Status, byAddress.Status, missing.Status));
        Assert.Equal(byId.Body, byAddress.Body);
        Assert.DoesNotContain("nobody@x.example", missing.Body);
    }

    [Fact]
    public async Task PatchChangesOnlyTheGivenFieldsAndIsAudited()
    {
        var (host, api) = await StartAsync(azurite, platformAuthentication: true);
        await using var _ = host;
        var id = (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov)).Json.GetProperty("id").GetString()!;
        host.Time.Advance(TimeSpan.FromMinutes(1));

        var patched = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH",
            body: """{"frequency":"daily","topics":[],"name":"Aziz K. Karimov"}""",
            headers: new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL-NAME"] = "officer@secretariat.example" });

        Assert.Equal(200, patched.Status);
        Assert.Equal(("daily", "ru", 0), (patched.Json.GetProperty("frequency").GetString(), patched.Json.GetProperty("language").GetString(),
            patched.Json.GetProperty("topics").GetArrayLength()));
        var entries = await host.Get<SubscriberAudit>().ListAsync(id, Ct);
        Assert.Equal(["updated", "created"], entries.Select(e => e.Action));
        Assert.Equal("user:officer@secretariat.example", entries[0].Actor);
        Assert.Equal("weekly → daily", entries[0].Changes["frequency"]);
        Assert.Equal("changed", entries[0].Changes["name"]);
        Assert.DoesNotContain(entries.SelectMany(e => e.Changes.Values), v => v.Contains("Karimov"));
    }

    [Fact]
    public async Task PatchRefusesToChangeTheAddressAndChangesNothingOnABadField()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var id = (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov)).Json.GetProperty("id").GetString()!;

        var email = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"email":"other@x.example"}""");
        var bad = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"frequency":"daily","status":"sleeping"}""");

        Assert.Equal((400, "email"), (email.Status, email.Json.GetProperty("field").GetString()));
        Assert.Equal((400, "status"), (bad.Status, bad.Json.GetProperty("field").GetString()));
        Assert.Equal(Notifications.Subscribers.DigestFrequency.Weekly, (await host.Get<SubscriberStore>().GetAsync(id, Ct))!.Frequency);
    }

    [Fact]
    public async Task AdminSetsAndClearsDeliveryHour()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var store = host.Get<SubscriberStore>();
        var created = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov.Replace("}", ""","deliveryHour":7}"""));
        Assert.Equal(201, created.Status);
        var id = created.Json.GetProperty("id").GetString()!;
        Assert.Equal(7, created.Json.GetProperty("deliveryHour").GetInt32());
        Assert.Equal(7, (await store.GetAsync(id, Ct))!.DeliveryHour);

        host.Time.Advance(TimeSpan.FromMinutes(1));
        var set = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"deliveryHour":9}""");
        var got = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, id, Ct), "GET");
        Assert.Equal((200, 9, 9), (set.Status, set.Json.GetProperty("deliveryHour").GetInt32(), got.Json.GetProperty("deliveryHour").GetInt32()));
        Assert.Equal(9, (await store.GetAsync(id, Ct))!.DeliveryHour);

        // Leaving the field out leaves the hour; JSON null clears it, and so does an empty string.
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"language":"en"}""");
        Assert.Equal(9, (await store.GetAsync(id, Ct))!.DeliveryHour);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var cleared = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"deliveryHour":null}""");
        Assert.Equal((200, JsonValueKind.Null), (cleared.Status, cleared.Json.GetProperty("deliveryHour").ValueKind));
        Assert.Null((await store.GetAsync(id, Ct))!.DeliveryHour);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"deliveryHour":"06:00"}""");
        Assert.Equal(6, (await store.GetAsync(id, Ct))!.DeliveryHour);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH", body: """{"deliveryHour":""}""");
        Assert.Null((await store.GetAsync(id, Ct))!.DeliveryHour);

        var changes = (await host.Get<SubscriberAudit>().ListAsync(id, Ct))
            .Where(e => e.Changes.ContainsKey("deliveryHour"))
            .Select(e => e.Changes["deliveryHour"]);
        Assert.Equal(["6 → default", "default → 6", "9 → default", "7 → 9"], changes);
    }

    [Theory]
    [InlineData("24")]
    [InlineData("-1")]
    [InlineData("8.5")]
    [InlineData("\"25:00\"")]
    [InlineData("\"eight\"")]
    [InlineData("true")]
    [InlineData("[8]")]
    public async Task RejectsDeliveryHourOutsideTheDay(string json)
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var store = host.Get<SubscriberStore>();
        var id = (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov.Replace("}", ""","deliveryHour":7}""")))
            .Json.GetProperty("id").GetString()!;

        var created = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST",
            body: $$"""{"email":"other@customs.example","name":"Other","organization":"Org","deliveryHour":{{json}}}""");
        var patched = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, id, Ct), "PATCH",
            body: $$"""{"frequency":"daily","deliveryHour":{{json}}}""");

        foreach (var answer in new[] { created, patched })
        {
            Assert.Equal(400, answer.Status);
            Assert.Equal("application/problem+json", answer.Headers.ContentType.ToString());
            Assert.Equal("deliveryHour", answer.Json.GetProperty("field").GetString());
            Assert.StartsWith("deliveryHour must be a whole hour from 0 to 23 (the local hour digests go out in the subscriber's time zone), or " +
                "empty for the default",
                answer.Json.GetProperty("detail").GetString());
        }
        Assert.Null(await store.FindByEmailAsync("other@customs.example", Ct));
        var stored = (await store.GetAsync(id, Ct))!;
        Assert.Equal((7, Notifications.Subscribers.DigestFrequency.Weekly), (stored.DeliveryHour, stored.Frequency));
    }

    [Theory]
    [InlineData(SubscriberStatus.Unsubscribed, "unsubscribed")]
    [InlineData(SubscriberStatus.Complained, "spam")]
    public async Task AnAdminCannotResubscribeSomeoneWhoLeft(SubscriberStatus left, string reason)
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        await host.Get<SubscriberStore>().UpsertManyAsync([new NewSubscriber("gone@x.example", "Gone", "Org", Status: left)], Ct);

        var answer = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, "gone@x.example", Ct), "PATCH", body: """{"status":"active"}""");

        Assert.Equal((400, "status"), (answer.Status, answer.Json.GetProperty("field").GetString()));
        Assert.Contains(reason, answer.Json.GetProperty("detail").GetString());
        Assert.Equal(left, (await host.Get<SubscriberStore>().FindByEmailAsync("gone@x.example", Ct))!.Status);
    }

    [Fact]
    public async Task AnAdminCanLiftASuspension()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        await host.Get<SubscriberStore>().UpsertManyAsync([new NewSubscriber("paused@x.example", "P", "Org", Status: SubscriberStatus.Suspended)], Ct);

        var answer = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, "paused@x.example", Ct), "PATCH", body: """{"status":"active"}""");

        Assert.Equal("active", answer.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task DeleteErasesTheRecordAndKeepsOnlyTheHashedId()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var id = (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov)).Json.GetProperty("id").GetString()!;
        host.Time.Advance(TimeSpan.FromMinutes(1));

        var erased = await HttpCall.InvokeAsync(host.Services, r => api.Erase(r, id, Ct), "DELETE");
        var again = await HttpCall.InvokeAsync(host.Services, r => api.Erase(r, id, Ct), "DELETE");

        // Erasing again is idempotent: it finds the suppression entry and looks for copies once more (a batch that was being sent).
        Assert.Equal((204, 204), (erased.Status, again.Status));
        Assert.Null(await host.Get<SubscriberStore>().GetAsync(id, Ct));
        var audit = await host.Get<SubscriberAudit>().ListAsync(id, Ct);
        Assert.Equal(["erased", "erased again"], audit.Take(2).Select(e => e.Action).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(audit, e => JsonSerializer.Serialize(e).Contains("karimov", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task CsvImportDryRunReportsRowErrorsAndWritesNothingThenTheRealRunWritesTheValidRows()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        const string file = "email,name,organization,country,language,frequency\n" +
                            "a@customs.example,Anne,Belgian Customs,BE,fr,daily\n" +
                            "not-an-address,Bad,Org,BE,en,daily\n" +
                            "b@customs.example,Ben,Belgian Customs,ZZ,en,daily\n";

        var dry = await HttpCall.InvokeAsync(host.Services, r => api.Import(r, Ct), "POST", "dryRun=true", file, "text/csv");
        var countAfterDryRun = (await host.Get<SubscriberStore>().ListAsync(Ct)).Count;
        var real = await HttpCall.InvokeAsync(host.Services, r => api.Import(r, Ct), "POST", "", file, "text/csv");

        Assert.Equal((422, true, 3), (dry.Status, dry.Json.GetProperty("dryRun").GetBoolean(), dry.Json.GetProperty("rows").GetInt32()));
        Assert.Equal(["email", "country"], dry.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal([3, 4], dry.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()));
        Assert.Equal(0, countAfterDryRun);
        Assert.Equal((422, 1), (real.Status, real.Json.GetProperty("created").GetInt32()));
        Assert.Equal("a@customs.example", Assert.Single(await host.Get<SubscriberStore>().ListAsync(Ct)).Email);
    }

    [Fact]
    public async Task CsvExportNeutralisesFormulasAndCoverageCountsEveryAdministration()
    {
        var settings = TestSettings.For(azurite);
        settings["Members:Administrations:0:Organization"] = "Customs Committee of Uzbekistan";
        settings["Members:Administrations:0:Country"] = "UZ";
        await using var host = await TestHost.StartAsync(settings);
        var api = ActivatorUtilities.CreateInstance<ManageSubscribers>(host.Services);
        await host.Get<SubscriberStore>().UpsertManyAsync(
            [new NewSubscriber("x@customs.example", "=HYPERLINK(\"http://evil.example\")", "Belgian Customs", Country: "BE")], Ct);

        var export = await HttpCall.InvokeAsync(host.Services, r => api.Export(r, Ct), "GET");
        var coverage = await HttpCall.InvokeAsync(host.Services, r => api.Coverage(r, Ct), "GET");

        Assert.Equal(200, export.Status);
        Assert.StartsWith("text/csv", export.Headers.ContentType.ToString());
        Assert.Contains("'=HYPERLINK", export.Body);
        var rows = coverage.Json.EnumerateArray().Select(r => (r.GetProperty("country").GetString(), r.GetProperty("active").GetInt32())).ToList();
        Assert.Equal([("BE", 1), ("UZ", 0)], rows);
    }

    [Fact]
    public async Task ListFiltersAndPagesWithAContinuationToken()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 12).Select(i =>
            new NewSubscriber($"o{i:D2}@customs.example", $"Official {i}", i < 8 ? "Customs Committee of Uzbekistan" : "Belgian Customs",
                Country: i < 8 ? "UZ" : "BE", Status: i % 4 == 0 ? SubscriberStatus.Suspended : SubscriberStatus.Active)), Ct);

        var emails = new List<string>();
        string? continuation = null;
        do
        {
            var page = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET",
                $"country=uz&status=active&pageSize=2{(continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))}");
            Assert.Equal(200, page.Status);
            emails.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("email").GetString()!));
            continuation = page.Json.GetProperty("continuation").GetString();
        } while (continuation is not null);
        var all = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET");
        var badPage = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET", "pageSize=5000");

        Assert.Equal(6, emails.Count);
        Assert.Equal(6, emails.Distinct().Count());
        Assert.Equal(12, all.Json.GetProperty("items").GetArrayLength());
        Assert.Equal((400, "pageSize"), (badPage.Status, badPage.Json.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task EveryTypeTheApiReadsAndWritesComesFromItsSourceGeneratedContext()
    {
        var (host, _) = await StartAsync(azurite);
        await using var __ = host;
        var http = host.Get<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        Type[] types = [typeof(SubscriberJson), typeof(SubscriberListPage), typeof(ImportResponse), typeof(IReadOnlyList<CoverageJson>),
            typeof(NewSubscriberRequest), typeof(SubscriberChangesRequest), typeof(SubscriberHistoryJson), typeof(IReadOnlyList<SubscriberJson>)];

        // The typed results (Ok, Created, UnprocessableEntity) serialize with the host's HTTP JSON options: the context comes first there.
        Assert.All(types, t => Assert.Same(SubscriberApiJson.Default, http.GetTypeInfo(t).OriginatingResolver));
        Assert.All(types, t => Assert.NotNull(SubscriberApiJson.Default.GetTypeInfo(t)));
    }
}
