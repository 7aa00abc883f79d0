using System.Diagnostics;
using Notifications.Testing;

namespace Notifications.Infra.Tests;

/// <summary>
/// The azd hooks (POSIX sh versions) against a fake <c>az</c> that records its arguments: what they would ask Azure to do.
/// The PowerShell versions mirror them; they are not run here (no pwsh on this machine).
/// </summary>
public sealed class HookTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("fake-az-");
    private string Log => Path.Combine(_bin.FullName, "az.log");

    public HookTests()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows() || !File.Exists("/bin/sh"), "The hooks' sh versions need /bin/sh.");
        // functionapp show → the host name; keys list → nothing the first time (the host is still starting), then the key.
        File.WriteAllText(Path.Combine(_bin.FullName, "az"), """
            #!/bin/sh
            dir=$(dirname "$0")
            { for a in "$@"; do printf '%s\n' "$a"; done; echo '---'; } >> "$dir/az.log"
            case "$1 $2" in
              "functionapp show") echo "func-test.azurewebsites.net" ;;
              "functionapp keys")
                if [ -f "$dir/key-ready" ]; then echo "Ab3/key+with=="; else touch "$dir/key-ready"; fi ;;
              "eventgrid system-topic") ;;
              *) echo "unexpected az $*" >&2; exit 2 ;;
            esac
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(_bin.FullName, "az"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _bin.Delete(recursive: true);

    private async Task<(int ExitCode, string Output)> RunHookAsync(string script, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "infra", "hooks", script));
        foreach (var name in new[] { "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME", "EVENT_GRID_SYSTEM_TOPIC_NAME", "ARTICLES_CONTAINER_NAME",
                     "ARTICLE_PUBLISHED_FUNCTION_NAME", "DELIVERY_FROM_EMAIL", "ALERT_EMAIL", "SENDGRID_API_KEY", "TOKEN_SIGNING_KEY", "SUBSCRIBER_ID_KEY" })
            start.Environment.Remove(name);
        start.Environment["PATH"] = _bin.FullName + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["POSTDEPLOY_KEY_WAIT_SECONDS"] = "0";
        foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static readonly Dictionary<string, string> Provisioned = new()
    {
        ["AZURE_RESOURCE_GROUP"] = "rg-test",
        ["AZURE_FUNCTION_APP_NAME"] = "func-test",
        ["EVENT_GRID_SYSTEM_TOPIC_NAME"] = "evgt-test",
        ["ARTICLES_CONTAINER_NAME"] = "articles",
        ["ARTICLE_PUBLISHED_FUNCTION_NAME"] = "ArticlePublished",
    };

    [Fact]
    public async Task PostdeployWaitsForTheBlobsExtensionKeyThenSubscribesTheBlobTriggerToBlobCreatedUnderArticles()
    {
        var (exitCode, output) = await RunHookAsync("postdeploy.sh", Provisioned);

        Assert.True(exitCode == 0, output);
        var calls = File.ReadAllText(Log).Split("---\n", StringSplitOptions.RemoveEmptyEntries).Select(c => c.TrimEnd('\n').Split('\n')).ToList();
        Assert.Equal(2, calls.Count(c => c[0] == "functionapp" && c[1] == "keys"));
        var create = Assert.Single(calls, c => c.Take(4).SequenceEqual(["eventgrid", "system-topic", "event-subscription", "create"]));
        string Option(string name) => create[Array.IndexOf(create, name) + 1];

        Assert.Equal("rg-test", Option("--resource-group"));
        Assert.Equal("evgt-test", Option("--system-topic-name"));
        Assert.Equal("webhook", Option("--endpoint-type"));
        Assert.Equal("https://func-test.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.ArticlePublished&code=Ab3/key+with==",
            Option("--endpoint"));
        Assert.Equal("Microsoft.Storage.BlobCreated", Option("--included-event-types"));
        Assert.Equal("/blobServices/default/containers/articles/", Option("--subject-begins-with"));
        Assert.Equal("eventgridschema", Option("--event-delivery-schema"));
        Assert.DoesNotContain("Ab3/key", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostdeployStopsWhenTheProvisionOutputsAreMissing()
    {
        var (exitCode, output) = await RunHookAsync("postdeploy.sh", new Dictionary<string, string>(Provisioned) { ["EVENT_GRID_SYSTEM_TOPIC_NAME"] = "" });

        Assert.Equal(1, exitCode);
        Assert.Contains("EVENT_GRID_SYSTEM_TOPIC_NAME is not set in the azd environment: run azd provision", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Log), "az was called although the hook had nothing to work with.");
    }

    [Fact]
    public async Task PostdeployGivesUpWhenTheKeyNeverAppears()
    {
        File.WriteAllText(Path.Combine(_bin.FullName, "az"), "#!/bin/sh\ncase \"$1 $2\" in \"functionapp show\") echo h.example ;; esac\n");
        var (exitCode, output) = await RunHookAsync("postdeploy.sh", new Dictionary<string, string>(Provisioned) { ["POSTDEPLOY_KEY_ATTEMPTS"] = "3" });

        Assert.Equal(1, exitCode);
        Assert.Contains("did not appear after 3 tries", output, StringComparison.Ordinal);
        Assert.Contains("azd hooks run postdeploy", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreprovisionNamesEveryMissingValueWithTheCommandThatSetsIt()
    {
        var (exitCode, output) = await RunHookAsync("preprovision.sh", []);

        Assert.Equal(1, exitCode);
        foreach (var name in new[] { "DELIVERY_FROM_EMAIL", "ALERT_EMAIL", "SENDGRID_API_KEY", "TOKEN_SIGNING_KEY", "SUBSCRIBER_ID_KEY" })
            Assert.Contains($"azd env set {name}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreprovisionPassesWithEveryValueAndRefusesAShortSigningKey()
    {
        var values = new Dictionary<string, string>
        {
            ["DELIVERY_FROM_EMAIL"] = "digests@secretariat.example",
            ["ALERT_EMAIL"] = "ops@secretariat.example",
            ["SENDGRID_API_KEY"] = "SG.fake",
            ["TOKEN_SIGNING_KEY"] = Convert.ToBase64String(new byte[32]),
            ["SUBSCRIBER_ID_KEY"] = Convert.ToBase64String(new byte[32]),
        };
        Assert.Equal(0, (await RunHookAsync("preprovision.sh", values)).ExitCode);

        values["TOKEN_SIGNING_KEY"] = "c2hvcnQ=";
        var (exitCode, output) = await RunHookAsync("preprovision.sh", values);
        Assert.Equal(1, exitCode);
        Assert.Contains("TOKEN_SIGNING_KEY is shorter than 44 characters", output, StringComparison.Ordinal);
    }
}
