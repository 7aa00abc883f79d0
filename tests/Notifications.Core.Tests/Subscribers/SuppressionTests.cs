using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>
/// After erasure a suppression entry (keyed hash, reason, date) stays, so that an admin add or an import does not silently
/// re-subscribe someone who unsubscribed or complained: refused, unless an override reason is given, which is audited.
/// </summary>
public sealed class SuppressionTests(AzuriteFixture azurite)
{
    private const string Email = "d.karimova@customs.uz.example";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NewSubscriber Karimova(SubscriberStatus status = SubscriberStatus.Active)
        => new(Email, "Dilnoza Karimova", "Customs Committee of Uzbekistan", Status: status);

    private static MemoryStream Csv(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));

    /// <summary>A host where Karimova was a subscriber with this status and was erased.</summary>
    private async Task<TestHost> ErasedAsync(SubscriberStatus status)
    {
        var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await host.Get<SubscriberStore>().AddAsync(Karimova(status), Ct);
        Assert.NotNull(await host.Get<SubscriberAdmin>().EraseAsync(Email, "admin", Ct));
        return host;
    }

    [Theory]
    [InlineData(SubscriberStatus.Unsubscribed, "unsubscribed")]
    [InlineData(SubscriberStatus.Complained, "complained")]
    [InlineData(SubscriberStatus.Bounced, "bounced")]
    [InlineData(SubscriberStatus.Active, "erased")]
    public async Task ErasureKeepsASuppressionWithTheKeyedIdTheReasonAndTheDate(SubscriberStatus status, string reason)
    {
        await using var host = await ErasedAsync(status);

        var all = await host.Get<Suppressions>().ListAsync(Ct);

        var entry = Assert.Single(all.Values);
        Assert.Equal((host.Get<SubscriberStore>().IdOf(Email), reason, host.Time.GetUtcNow()), (entry.Id, entry.Reason, entry.At));
        Assert.NotEqual(SubscriberIds.LegacyOf(Email), entry.Id); // not the unsalted hash of the address
        Assert.Null(await host.Get<SubscriberStore>().FindByEmailAsync(Email, Ct));
    }

    [Theory]
    [InlineData(SubscriberStatus.Unsubscribed, "unsubscribed")]
    [InlineData(SubscriberStatus.Complained, "reported a digest as spam")]
    public async Task AdminAddAfterErasureIsRefusedUnlessOverriddenAndTheOverrideIsAudited(SubscriberStatus status, string says)
    {
        await using var host = await ErasedAsync(status);
        var admin = host.Get<SubscriberAdmin>();

        var refused = await Assert.ThrowsAsync<InvalidSubscriberException>(() => admin.CreateAsync(Karimova(), "admin:jane", Ct));
        var added = await admin.CreateAsync(Karimova(), "admin:jane", Ct, overrideSuppression: "asked to be re-added, email of 2026-11-20");

        Assert.Equal("overrideSuppression", refused.Field);
        Assert.Contains(says, refused.Message);
        Assert.Contains("overrideSuppression", refused.Message);
        Assert.Equal(SubscriberStatus.Active, added.Status);
        var overridden = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(added.Id, Ct), e => e.Action == "suppression overridden");
        Assert.Equal("admin:jane", overridden.Actor);
        Assert.Equal("asked to be re-added, email of 2026-11-20", overridden.Changes["overrideReason"]);
        Assert.Equal(Suppression.ReasonFor(status), overridden.Changes["suppression"]);
        Assert.Null(await host.Get<Suppressions>().GetAsync(added.Id, Ct)); // lifted
    }

    [Fact]
    public async Task AnEmptyOverrideReasonIsAnError()
    {
        await using var host = await ErasedAsync(SubscriberStatus.Unsubscribed);

        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(
            () => host.Get<SubscriberAdmin>().CreateAsync(Karimova(), "admin", Ct, overrideSuppression: "  "));

        Assert.Contains("is empty", e.Message);
    }

    [Fact]
    public async Task ImportAfterErasureReportsTheRowRefusedWithTheReasonAndImportsTheRest()
    {
        await using var host = await ErasedAsync(SubscriberStatus.Complained);
        var csv = host.Get<SubscriberCsv>();

        var report = await csv.ImportAsync(Csv("email,name,organization",
            $"{Email.ToUpperInvariant()},Dilnoza Karimova,Customs Committee of Uzbekistan",
            "j.smith@hmrc.example,Jane Smith,HMRC"), dryRun: false, "admin", Ct);

        var error = Assert.Single(report.Errors);
        Assert.Equal((2, "suppression", "d***@customs.uz.example"), (error.Row, error.Field, error.Email));
        Assert.Contains("refused", error.Message);
        Assert.Contains("reported a digest as spam", error.Message);
        Assert.Equal(1, report.Created);
        Assert.Null(await host.Get<SubscriberStore>().FindByEmailAsync(Email, Ct));
    }

    [Fact]
    public async Task ImportWithAnOverrideAddsTheSuppressedRowAndAuditsIt()
    {
        await using var host = await ErasedAsync(SubscriberStatus.Unsubscribed);

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv("email,name,organization", $"{Email},Dilnoza Karimova,Customs Committee of Uzbekistan"),
            dryRun: false, "admin:jane", Ct, overrideSuppression: "re-confirmed in writing");

        Assert.Empty(report.Errors);
        var added = (await host.Get<SubscriberStore>().FindByEmailAsync(Email, Ct))!;
        var overridden = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(added.Id, Ct), e => e.Action == "suppression overridden");
        Assert.Equal(("admin:jane", "re-confirmed in writing", "unsubscribed"),
            (overridden.Actor, overridden.Changes["overrideReason"], overridden.Changes["suppression"]));
    }

    [Fact]
    public async Task ApiAddOfASuppressedAddressIs409NamingTheOverrideAnd201WithIt()
    {
        await using var host = await ErasedAsync(SubscriberStatus.Unsubscribed);
        var api = host.Get<SubscriberApi>();
        var body = $$"""{"email":"{{Email}}","name":"Dilnoza Karimova","organization":"Customs Committee of Uzbekistan"}""";

        var refused = await HttpCall.InvokeAsync(host.Services, r => api.CreateAsync(r, Ct), "POST", body: body);
        var created = await HttpCall.InvokeAsync(host.Services, r => api.CreateAsync(r, Ct), "POST", "?overrideSuppression=asked%20by%20phone", body: body);

        Assert.Equal(409, refused.Status);
        Assert.Contains("overrideSuppression", refused.Body);
        Assert.DoesNotContain("PATCH", refused.Body);
        Assert.Equal(201, created.Status);
    }

    [Fact]
    public async Task SubscriberIdsAreKeyedSoAnAddressCannotBeCheckedWithoutTheKey()
    {
        await using var a = await TestHost.StartAsync(TestSettings.For(azurite));
        await using var b = await TestHost.StartAsync(TestSettings.For(azurite));

        var idA = (await a.Get<SubscriberAdmin>().CreateAsync(Karimova(), "admin", Ct)).Id;
        var idB = b.Get<SubscriberStore>().IdOf(Email);

        Assert.Matches("^[0-9a-f]{32}$", idA);
        Assert.NotEqual(SubscriberIds.LegacyOf(Email), idA);
        Assert.NotEqual(idA, idB); // another key, another id
        Assert.Equal(idA, a.Get<SubscriberStore>().IdOf(" D.Karimova@Customs.UZ.example "));
        Assert.Single(await a.Get<SubscriberAudit>().ListAsync(idA, Ct)); // the audit partition is the keyed id
    }

    [Theory]
    [InlineData(null, "not set")]
    [InlineData("c2hvcnQ=", "not base64 of at least 32 bytes")]
    public async Task AMissingOrShortIdKeyStopsTheStartNamingTheSetting(string? key, string says)
    {
        var settings = TestSettings.For(azurite);
        settings["Subscribers:IdKey"] = key;

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));

        Assert.Contains("Subscribers:IdKey", e.Message);
        Assert.Contains(says, e.Message);
    }
}
