using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>One subscriber representation: the admin API (through <c>notify serve</c>) and <c>notify subscribers … --json</c>
/// write the same document.</summary>
public sealed class SubscriberJsonTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAdminApiAndTheCliPrintTheSameSubscriberDocument()
    {
        var settings = TestSettings.For(azurite);
        var port = ServeCommandTests.FreePort();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serve = NotifyCli.RunAsync(["serve", "--port", port.ToString(), "--admin-key", ServeCommandTests.AdminKey],
            new StringWriter(), new StringWriter(), settings, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Add("x-functions-key", ServeCommandTests.AdminKey);
        await ServeCommandTests.WaitUntilListeningAsync(port, serve);

        var created = await http.PostAsync("api/manage/subscribers", new StringContent("""
            {"email":"D.Karimova@Customs.UZ.example","name":"Дилноза Каримова","organization":"Customs Committee of Uzbekistan","country":"uz",
             "language":"ru","frequency":"weekly","topics":["e-commerce","data model"],"timeZone":"Asia/Tashkent","deliveryHour":7}
            """, Encoding.UTF8, "application/json"), Ct);
        var createdJson = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!;
        var id = createdJson["id"]!.GetValue<string>();
        var fromGet = JsonNode.Parse(await http.GetStringAsync($"api/manage/subscribers/{id}", Ct))!;
        var fromList = JsonNode.Parse(await http.GetStringAsync("api/manage/subscribers", Ct))!["items"]!.AsArray().Single()!;
        await stop.CancelAsync();
        Assert.Equal(0, await serve);
        var show = await CliRun.RunAsync(settings, "subscribers", "show", id, "--json");
        var list = await CliRun.RunAsync(settings, "subscribers", "list", "--json");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.True(list.ExitCode == 0, list.ToString());
        var fromShow = JsonNode.Parse(show.Output)!["subscriber"]!;
        var fromCliList = JsonNode.Parse(list.Output)!.AsArray().Single()!;
        Assert.Equal(
            ["id", "email", "name", "organization", "country", "language", "frequency", "topics", "timeZone", "deliveryHour", "status",
            "consent", "createdAt", "updatedAt"],
            fromGet.AsObject().Select(p => p.Key));
        // The same document, field by field and in the same order (the CLI indents it; compact, the text is the same).
        foreach (var document in new[] { createdJson, fromList, fromShow, fromCliList })
        {
            Assert.True(JsonNode.DeepEquals(fromGet, document), $"{fromGet.ToJsonString()}\n≠\n{document.ToJsonString()}");
            Assert.Equal(fromGet.ToJsonString(), document.ToJsonString());
        }
    }
}
