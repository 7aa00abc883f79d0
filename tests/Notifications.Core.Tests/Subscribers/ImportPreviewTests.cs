using System.Text;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

public sealed class ImportPreviewTests(AzuriteFixture azurite)
{
    private const string Actor = "test:admin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MemoryStream Csv(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));

    private static async Task<Subscriber> ChoseWeeklyAsync(TestHost host, string email)
    {
        var store = host.Get<SubscriberStore>();
        var subscriber = await store.AddAsync(new NewSubscriber(email, "Jane Smith", "HM Revenue and Customs", Country: "GB"), Ct);
        var token = host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);
        var saved = await host.Get<SubscriptionSelfService>().UpdatePreferencesAsync(token,
            new PreferencesChange("weekly", [], "en", "UTC", UnsubscribeAll: false), Ct);
        return saved!.After;
    }

    [Fact]
    public async Task PreviewShowsEachRowNewChangedWithOldAndNewUnchangedOrRefusedWithTheReason()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        await store.AddAsync(new NewSubscriber("known@customs.example", "Known", "Customs", Country: "BE"), Ct);
        await store.AddAsync(new NewSubscriber("same@customs.example", "Same", "Customs", Country: "BE"), Ct);

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv(
            "email,name,organization,country",
            "New.Person@Customs.example,New Person,Customs,FR",
            "known@customs.example,Known,Customs,NL",
            "same@customs.example,Same,Customs,BE",
            "refused@customs.example,Refused,Customs,XX"), dryRun: true, Actor, Ct);

        Assert.Equal(
            [
                (2, "new.person@customs.example", ImportRowOutcome.New),
                (3, "known@customs.example", ImportRowOutcome.Changed),
                (4, "same@customs.example", ImportRowOutcome.Unchanged),
                (5, "refused@customs.example", ImportRowOutcome.Refused),
            ],
            report.PreviewRows.Select(r => (r.Row, r.Email, r.Outcome)));
        Assert.Equal([new ImportFieldChange("country", "BE", "NL")], report.PreviewRows[1].Changes);
        Assert.Contains(new ImportFieldChange("name", "", "New Person"), report.PreviewRows[0].Changes);
        var refusal = Assert.Single(report.PreviewRows[3].Errors);
        Assert.Equal("country", refusal.Field);
        Assert.Contains("'XX'", refusal.Message);
        Assert.Empty(report.PreviewRows[2].Changes);
        // Nothing was written.
        Assert.Equal("BE", (await store.FindByEmailAsync("known@customs.example", Ct))!.Country);
        Assert.Null(await store.FindByEmailAsync("new.person@customs.example", Ct));
    }

    [Fact]
    public async Task PreferencesPageMarksOnlyTheFieldsTheSubscriberChanged()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));

        var subscriber = await ChoseWeeklyAsync(host, "jane@hmrc.example");

        Assert.Equal([SubscriberFields.Frequency], subscriber.ChosenFields);
        var stored = await host.Get<SubscriberStore>().FindByEmailAsync("jane@hmrc.example", Ct);
        Assert.Equal([SubscriberFields.Frequency], stored!.ChosenFields);
    }

    [Fact]
    public async Task ImportKeepsASelfChosenFrequencyAndSaysSoButChangesTheOtherFields()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await ChoseWeeklyAsync(host, "jane@hmrc.example");

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv(
            "email,frequency,country",
            "jane@hmrc.example,daily,IE"), dryRun: false, Actor, Ct);

        var row = Assert.Single(report.PreviewRows);
        Assert.Equal(ImportRowOutcome.Changed, row.Outcome);
        Assert.Equal([new ImportFieldChange("country", "GB", "IE")], row.Changes);
        Assert.Equal([new ImportFieldChange("frequency", "weekly", "daily")], row.KeptSelfChosen);
        var stored = await host.Get<SubscriberStore>().FindByEmailAsync("jane@hmrc.example", Ct);
        Assert.Equal((DigestFrequency.Weekly, "IE"), (stored!.Frequency, stored.Country));
    }

    [Fact]
    public async Task ImportOverwritesASelfChosenFrequencyOnlyWhenTold()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await ChoseWeeklyAsync(host, "jane@hmrc.example");

        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv("email,frequency", "jane@hmrc.example,daily"), dryRun: false, Actor, Ct,
            overwriteSelfChosen: true);

        var row = Assert.Single(report.PreviewRows);
        Assert.Equal([new ImportFieldChange("frequency", "weekly", "daily")], row.Changes);
        Assert.Empty(row.KeptSelfChosen);
        Assert.True(report.OverwriteSelfChosen);
        Assert.Equal(DigestFrequency.Daily, (await host.Get<SubscriberStore>().FindByEmailAsync("jane@hmrc.example", Ct))!.Frequency);
    }

    [Fact]
    public async Task AnUploadIsReadBackOnlyWithItsHashByItsUploaderAndNotAfterAnHour()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var uploads = host.Get<ImportUploads>();
        var content = Encoding.UTF8.GetBytes("email,name,organization\r\na@x.example,A,Org\r\n");

        var upload = await uploads.SaveAsync(content, "list.csv", Actor, Ct);

        Assert.Equal(ImportUploads.Sha256Of(content), upload.Sha256);
        Assert.Equal(content, (await uploads.ReadAsync(upload.Id, upload.Sha256, Actor, Ct))!.Value.Content);
        Assert.Null(await uploads.ReadAsync(upload.Id, ImportUploads.Sha256Of([1, 2, 3]), Actor, Ct));
        Assert.Null(await uploads.ReadAsync(upload.Id, upload.Sha256, "test:someone-else", Ct));
        host.Time.Advance(ImportUploads.UploadLifetime);
        Assert.Null(await uploads.ReadAsync(upload.Id, upload.Sha256, Actor, Ct));
        Assert.Equal(1, await uploads.PurgeAsync(Ct));
    }

    [Fact]
    public async Task ErasureDeletesTheUploadsAndResultsThatHoldTheAddress()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var uploads = host.Get<ImportUploads>();
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("o.p+tag@customs.example", "Olga Petrova", "Customs"), Ct);
        var holding = await uploads.SaveAsync(Encoding.UTF8.GetBytes("email,country\r\no.p+tag@customs.example,KZ\r\n"), "a.csv", Actor, Ct);
        var other = await uploads.SaveAsync(Encoding.UTF8.GetBytes("email,country\r\nsomeone@customs.example,KZ\r\n"), "b.csv", Actor, Ct);
        var report = await host.Get<SubscriberCsv>().ImportAsync(Csv("email,country", "o.p+tag@customs.example,KZ"), dryRun: true, Actor, Ct);
        await uploads.SaveResultAsync(holding.Id, report, Actor, Ct);
        Assert.NotNull(await uploads.ReadResultAsync(holding.Id, Actor, Ct));

        var erased = await host.Get<SubscriberEraser>().EraseAsync("o.p+tag@customs.example", Actor, Ct);

        Assert.NotNull(erased);
        Assert.Null(await uploads.ReadAsync(holding.Id, holding.Sha256, Actor, Ct));
        Assert.Null(await uploads.ReadResultAsync(holding.Id, Actor, Ct));
        Assert.NotNull(await uploads.ReadAsync(other.Id, other.Sha256, Actor, Ct));
    }
}
