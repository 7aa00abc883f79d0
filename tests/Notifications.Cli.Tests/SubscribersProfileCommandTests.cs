using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>
/// The console profile's CLI twins on Azurite: <c>subscribers send-link</c>, <c>subscribers change-address</c> and the typed
/// confirmation of <c>subscribers remove</c>, with addresses in full (the admin's own terminal).
/// </summary>
public sealed class SubscribersProfileCommandTests(AzuriteFixture azurite) : IDisposable
{
    private const string Karimova = "d.karimova@customs.uz.example";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string?> Settings() => TestSettings.For(azurite, _temp.Combine("outbox"));

    private static async Task AddKarimovaAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", Karimova, "--name", "Dilnoza Karimova",
            "--organization", "Customs Committee of Uzbekistan", "--language", "ru");
        Assert.True(add.ExitCode == 0, add.ToString());
    }

    private static async Task<int> CountAsync(IReadOnlyDictionary<string, string?> settings)
        => JsonDocument.Parse((await CliRun.RunAsync(settings, "subscribers", "list", "--json")).Output).RootElement.GetArrayLength();

    [Fact]
    public async Task SendLinkMailsTheSubscriberAndSaysToWhomInFull()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);

        var run = await CliRun.RunAsync(settings, "subscribers", "send-link", Karimova);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Mailed the manage link to {Karimova}", run.Output);
        var mail = Assert.Single(OutboxMail.ReadAll(_temp.Combine("outbox")));
        Assert.Equal(Karimova, mail.To());
    }

    [Fact]
    public async Task ChangeAddressMailsTheNewAddressAndChangesNothingYet()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);

        var run = await CliRun.RunAsync(settings, "subscribers", "change-address", Karimova, "--to", "dilnoza.k@customs.uz.example");
        var show = await CliRun.RunAsync(settings, "subscribers", "show", Karimova);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Sent a confirmation link to dilnoza.k@customs.uz.example", run.Output);
        Assert.Equal("dilnoza.k@customs.uz.example", Assert.Single(OutboxMail.ReadAll(_temp.Combine("outbox"))).To());
        Assert.Contains("address change requested", show.Output);
    }

    [Fact]
    public async Task RemoveErasesOnlyWhenTheAddressIsTypedBack()
    {
        var settings = Settings();
        await AddKarimovaAsync(settings);

        var wrong = await CliRun.RunWithInputAsync(settings, "d.karimov@customs.uz.example\n", "subscribers", "remove", Karimova);
        var none = await CliRun.RunWithInputAsync(settings, "", "subscribers", "remove", Karimova);
        Assert.Equal((1, 1), (wrong.ExitCode, none.ExitCode));
        Assert.Contains("nothing was erased", wrong.Error);
        Assert.Contains("--yes", none.Error);
        Assert.Equal(1, await CountAsync(settings));

        var typed = await CliRun.RunWithInputAsync(settings, "D.Karimova@customs.uz.example\n", "subscribers", "remove", Karimova);

        Assert.True(typed.ExitCode == 0, typed.ToString());
        Assert.Contains($"Erase {Karimova} (Dilnoza Karimova", typed.Output);
        Assert.Equal(0, await CountAsync(settings));
    }
}
