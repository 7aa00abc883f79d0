using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Local;

namespace Notifications.Cli.Tests;

/// <summary>
/// `notify serve` is for this machine only: it listens on loopback, answers only requests that name a loopback host (DNS
/// rebinding), and the admin API takes an admin key (x-functions-key or ?code=) unless started with --no-auth.
/// </summary>
public sealed class ServeHardeningTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Serving(
        Task<int> Exit,
        StringWriter Output,
        StringWriter Error,
        CancellationTokenSource Stop,
        HttpClient Http,
        int Port,
        Dictionary<string, string?> Settings) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stop.CancelAsync();
            await Exit;
            Http.Dispose();
            Stop.Dispose();
        }
    }

    private async Task<Serving> ServeAsync(params string[] options)
    {
        var port = ServeCommandTests.FreePort();
        var settings = TestSettings.For(azurite);
        var output = new StringWriter();
        var error = new StringWriter();
        var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exit = NotifyCli.RunAsync(["serve", "--port", port.ToString(), .. options], output, error, settings, stop.Token);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(20) };
        await ServeCommandTests.WaitUntilListeningAsync(port, exit);
        return new Serving(exit, output, error, stop, http, port, settings);
    }

    private static HttpRequestMessage Request(
        HttpMethod method,
        string path,
        string? key = ServeCommandTests.AdminKey,
        string? host = null,
        string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Add("x-functions-key", key);
        if (host is not null) request.Headers.Host = host;
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    [Fact]
    public async Task ItListensOnLoopbackOnly()
    {
        await using var serving = await ServeAsync("--admin-key", ServeCommandTests.AdminKey);
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal)
            .ToList();

        foreach (var address in others)
        {
            using var client = new TcpClient(address.AddressFamily);
            var refused = await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, serving.Port, Ct).AsTask());
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        Assert.Contains($"Serving on http://127.0.0.1:{serving.Port} (loopback only", serving.Output.ToString());
        Assert.True(await Notifications.Local.AzuriteLauncher.IsListeningAsync(serving.Port));
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:7071")]
    [InlineData("127.0.0.1.evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("10.0.0.5")]
    public async Task ARequestNamingAnotherHostIs400BeforeAnyFunctionRuns(string host)
    {
        await using var serving = await ServeAsync("--admin-key", ServeCommandTests.AdminKey);

        var page = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/subscribe", host: host), Ct);
        var create = await serving.Http.SendAsync(Request(HttpMethod.Post, "api/manage/subscribers", host: host,
            json: """{"email":"rebind@customs.example","name":"R","organization":"O"}"""), Ct);
        var list = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/manage/subscribers"), Ct);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (page.StatusCode, create.StatusCode));
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await create.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("Host", problem.GetProperty("field").GetString());
        Assert.Contains("localhost, 127.0.0.1 or [::1]", problem.GetProperty("detail").GetString());
        Assert.Empty(JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:{port}")]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("[::1]:{port}")]
    [InlineData("127.0.0.1")]
    public async Task LoopbackHostNamesWithAnyPortAreServed(string host)
    {
        await using var serving = await ServeAsync("--admin-key", ServeCommandTests.AdminKey);

        var page = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/subscribe", host: host.Replace("{port}", serving.Port.ToString())), Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task TheAdminApiTakesThePrintedKeyAsHeaderOrCodeAnd401WithoutIt()
    {
        await using var serving = await ServeAsync();
        var key = Regex.Match(serving.Output.ToString(), @"Admin API key: (\S+)").Groups[1].Value;
        Assert.True(key.Length >= 32, serving.Output.ToString());

        var none = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/manage/coverage", key: null), Ct);
        var wrong = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/manage/coverage", key: key[..^1] + "x"), Ct);
        var wrongCode = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/manage/coverage?code=nope", key: null), Ct);
        var erase = await serving.Http.SendAsync(Request(HttpMethod.Delete, "api/manage/subscribers/a%40customs.example", key: null), Ct);
        var header = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/manage/coverage", key: key), Ct);
        var code = await serving.Http.SendAsync(Request(HttpMethod.Get, $"api/manage/coverage?code={Uri.EscapeDataString(key)}", key: null), Ct);
        var page = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/subscribe", key: null), Ct);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            new[] { none.StatusCode, wrong.StatusCode, wrongCode.StatusCode, erase.StatusCode });
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Contains("x-functions-key", await none.Content.ReadAsStringAsync(Ct));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (header.StatusCode, code.StatusCode, page.StatusCode));
        Assert.Contains("x-functions-key", serving.Output.ToString());
    }

    [Fact]
    public async Task EachStartHasANewKey()
    {
        string KeyOf(Serving s) => Regex.Match(s.Output.ToString(), @"Admin API key: (\S+)").Groups[1].Value;
        string first;
        await using (var serving = await ServeAsync())
            first = KeyOf(serving);
        await using var again = await ServeAsync();

        Assert.NotEqual(first, KeyOf(again));
    }

    [Fact]
    public async Task NoAuthServesTheAdminApiWithoutAKeyAndSaysSo()
    {
        await using var serving = await ServeAsync("--no-auth");

        var created = await serving.Http.SendAsync(Request(HttpMethod.Post, "api/manage/subscribers", key: null,
            json: """{"email":"j.smith@hmrc.example","name":"Jane Smith","organization":"HMRC"}"""), Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("no key (--no-auth)", serving.Output.ToString());
        await using var host = await TestHost.StartAsync(serving.Settings);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;
        Assert.Equal("unknown", Assert.Single(await host.Get<SubscriberAudit>().ListAsync(id, Ct)).Actor);
    }

    [Fact]
    public async Task WithTheKeyTheAuditNamesItAndTheHeaderOfAPrincipalIsNotTrusted()
    {
        await using var serving = await ServeAsync("--admin-key", ServeCommandTests.AdminKey);
        var request = Request(HttpMethod.Post, "api/manage/subscribers",
            json: """{"email":"j.smith@hmrc.example","name":"Jane Smith","organization":"HMRC"}""");
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", "someone.else@secretariat.example");

        var created = await serving.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await using var host = await TestHost.StartAsync(serving.Settings);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;
        Assert.Equal("key:notify-serve", Assert.Single(await host.Get<SubscriberAudit>().ListAsync(id, Ct)).Actor);
    }

    [Fact]
    public async Task MalformedIdsAndNonJsonBodiesAreProblemsNotServerErrors()
    {
        await using var serving = await ServeAsync("--admin-key", ServeCommandTests.AdminKey);

        var erase = await serving.Http.SendAsync(Request(HttpMethod.Delete, "api/manage/subscribers/notanemail"), Ct);
        var nul = await serving.Http.SendAsync(Request(HttpMethod.Get, "api/manage/subscribers/%00"), Ct);
        var form = Request(HttpMethod.Post, "api/manage/subscribers");
        form.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "a@customs.example", ["name"] = "A", ["organization"] = "O" });
        var formAnswer = await serving.Http.SendAsync(form, Ct);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType),
            (erase.StatusCode, nul.StatusCode, formAnswer.StatusCode));
        // %00 never reaches a function here: Kestrel refuses a NUL in the path itself (the function's own 400 is tested in the Functions tests).
        foreach (var answer in new[] { erase, formAnswer })
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("id", JsonDocument.Parse(await erase.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("--no-auth", "--admin-key", "0123456789abcdef0123")]
    [InlineData("--admin-key", "short", null)]
    public async Task ContradictoryOrWeakKeyOptionsAreRefused(string first, string second, string? third)
    {
        var run = await CliRun.RunAsync(TestSettings.For(azurite),
            ["serve", "--port", ServeCommandTests.FreePort().ToString(), first, second, .. third is null ? Array.Empty<string>() : [third]]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --", Assert.Single(run.ErrorLines));
    }
}
