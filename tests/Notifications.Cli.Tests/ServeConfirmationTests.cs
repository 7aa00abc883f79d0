using System.Net;
using System.Text;
using Azure.Storage.Queues;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>
/// `notify serve` sends the confirmation emails of the subscribe form itself (the SubscribeConfirmation function's part),
/// so someone trying the subscribe page locally gets the mail without running another command.
/// </summary>
public sealed class ServeConfirmationTests(AzuriteFixture azurite) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task ASubscribeFormPostedToServeGetsItsConfirmationEmailWithoutAnotherCommand()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);
        // A message nobody can read sits first on the queue: it is logged and left for later, never stopping the others or serve.
        var queue = new QueueClient(azurite.ConnectionString, settings["Storage:SubscribeConfirmationsQueue"]);
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        await queue.SendMessageAsync("not a subscribe request", Ct);
        var port = ServeCommandTests.FreePort();
        var output = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var serve = NotifyCli.RunAsync(["serve", "--port", port.ToString(), "--no-auth"], output, new StringWriter(), settings, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(20) };
        await ServeCommandTests.WaitUntilListeningAsync(port, serve);

        var answer = await http.PostAsync("api/subscribe", new StringContent(
            "email=l.peeters%40douane.example&name=Lotte+Peeters&organization=Belgian+Customs&language=fr&frequency=weekly",
            Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        string[] mails = [];
        for (var waited = TimeSpan.Zero; mails.Length == 0 && waited < TimeSpan.FromSeconds(20); waited += TimeSpan.FromMilliseconds(200))
        {
            await Task.Delay(200, Ct);
            mails = Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories) : [];
        }
        var stillServing = !serve.IsCompleted;
        await stop.CancelAsync();
        var exit = await serve.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(("", "l.peeters@douane.example"), OutboxMail.Read(Assert.Single(mails)).Recipient());
        Assert.True(stillServing);
        Assert.Equal(0, exit);
        Assert.Contains("Subscribe confirmations: sent from the subscribe-confirmations queue every 2 s", output.ToString());
    }

    public void Dispose() => _temp.Dispose();
}
