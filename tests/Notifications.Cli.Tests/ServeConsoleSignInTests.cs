using System.Net;
using System.Text;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Cli.Tests;

/// <summary>
/// `notify serve --as &lt;address&gt; --role editor|admin` signs a development user in to the console as App Service
/// authentication would: every request carries that user's principal, and whatever principal a client sends itself is removed
/// (with or without --as), so nobody on this machine can claim another user or role.
/// </summary>
public sealed class ServeConsoleSignInTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ConsoleUser ForgedAdmin = new("intruder@elsewhere.example", "intruder@elsewhere.example",
        new HashSet<ConsoleRole> { ConsoleRole.Admin });

    private async Task<(Task<int> Exit, StringWriter Output, CancellationTokenSource Stop, HttpClient Http)> ServeAsync(params string[] options)
    {
        var port = ServeCommandTests.FreePort();
        var output = new StringWriter();
        var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exit = NotifyCli.RunAsync(["serve", "--port", port.ToString(), "--no-auth", .. options], output, new StringWriter(),
            TestSettings.For(azurite), stop.Token);
        await ServeCommandTests.WaitUntilListeningAsync(port, exit);
        // The start lines are written just after the server listens.
        for (var i = 0; i < 100 && !output.ToString().Contains("Console: ", StringComparison.Ordinal); i++)
            await Task.Delay(100, Ct);
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(20),
        };
        return (exit, output, stop, http);
    }

    private static HttpRequestMessage WithForgedPrincipal(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(ConsolePrincipal.Header, ConsolePrincipal.Encode(ForgedAdmin));
        request.Headers.Add(ConsolePrincipal.Header + "-NAME", ForgedAdmin.Name);
        return request;
    }

    [Fact]
    public async Task ServeAsAnEditorSignsThatEditorInAndAClientsForgedAdminPrincipalIsRemoved()
    {
        var (exit, output, stop, http) = await ServeAsync("--as", "Press@Secretariat.example", "--role", "editor");
        try
        {
            Assert.Contains("/api/console signed in as press@secretariat.example (Editor)", output.ToString(), StringComparison.Ordinal);

            using var home = await http.GetAsync("api/console", Ct);
            using var forged = await http.SendAsync(WithForgedPrincipal("api/console/maintenance"), Ct);

            // Home: an editor goes on to the articles (so someone is signed in).
            Assert.Equal(HttpStatusCode.SeeOther, home.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            var html = await forged.Content.ReadAsStringAsync(Ct);
            Assert.Contains("Signed in as press@secretariat.example", html, StringComparison.Ordinal);
            Assert.DoesNotContain("intruder", html, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await exit;
            http.Dispose();
        }
    }

    [Fact]
    public async Task ServeAsAnAdminWithRolesGivenTwiceOpensTheAdminsPage()
    {
        var (exit, output, stop, http) = await ServeAsync("--as", "ops@secretariat.example", "--role", "editor", "--role", "admin");
        try
        {
            Assert.Contains("signed in as ops@secretariat.example (Editor, Admin)", output.ToString(), StringComparison.Ordinal);
            using var page = await http.GetAsync("api/console/maintenance", Ct);
            using var css = await http.GetAsync("api/console/static/console.css", Ct);

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Articles the trigger missed", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        }
        finally
        {
            await stop.CancelAsync();
            await exit;
            http.Dispose();
        }
    }

    [Fact]
    public async Task ServeWithoutAsSignsNobodyInAndIgnoresAClientsPrincipal()
    {
        var (exit, output, stop, http) = await ServeAsync();
        try
        {
            Assert.Contains("nobody signed in: restart with --as", output.ToString(), StringComparison.Ordinal);
            using var forged = await http.SendAsync(WithForgedPrincipal("api/console/maintenance"), Ct);

            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            Assert.Contains("notify serve --as", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await exit;
            http.Dispose();
        }
    }

    [Theory]
    [InlineData("is not an email address", "--as", "press", "--role", "editor")]
    [InlineData("--as needs --role", "--as", "press@secretariat.example")]
    [InlineData("--role needs --as", "--role", "admin")]
    [InlineData("is not a console role", "--as", "press@secretariat.example", "--role", "editor,owner")]
    public async Task BadSignInOptionsFailWithWhatToGive(string message, params string[] options)
    {
        var run = await CliRun.RunAsync(TestSettings.For(azurite), ["serve", "--port", ServeCommandTests.FreePort().ToString(), .. options]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DevelopmentUserTakesCommaSeparatedRoles()
    {
        var user = Commands.ServeCommand.DevelopmentUser("press@secretariat.example", ["editor, admin"]);

        Assert.Equal([ConsoleRole.Editor, ConsoleRole.Admin], user!.Roles.Order());
        Assert.Equal("press@secretariat.example", user.Email);
        Assert.Contains("\"typ\":\"roles\",\"val\":\"Admin\"", Encoding.UTF8.GetString(Convert.FromBase64String(ConsolePrincipal.Encode(user))),
            StringComparison.Ordinal);
    }
}
