using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notifications.Testing;

namespace Notifications.Infra.Tests;

/// <summary>
/// App Service authentication (Easy Auth, infra/modules/admin-auth.bicep) never locks out what must stay anonymous: every
/// anonymous HTTP function of functions.metadata and the Event Grid delivery path of the blob trigger are excluded, in the
/// deployed Bicep and in the configuration docs/subscribers.md documents; the admin routes and the secretariat console's pages
/// are not (the console's functions are anonymous to the Functions host because the app authorizes them by role from the
/// platform's principal; only its static files are public). Browsers are sent to the Entra sign-in page.
/// </summary>
public sealed partial class EasyAuthTests
{
    /// <summary>Where Event Grid delivers to a blob trigger whose source is EventGrid (the postdeploy hook's webhook).</summary>
    private const string EventGridBlobPath = "/runtime/webhooks/blobs";

    [Fact]
    public async Task BicepExcludesEveryAnonymousRouteAndTheEventGridPath()
    {
        var excluded = await BicepExcludedPathsAsync();

        var uncovered = AnonymousPaths().Where(p => !IsExcluded(p, excluded)).ToList();

        Assert.True(uncovered.Count == 0,
            $"infra/modules/admin-auth.bicep (globalValidation.excludedPaths) does not exclude {string.Join(", ", uncovered)}: with authentication " +
                $"on, these would answer 401. Excluded: {string.Join(", ", excluded)}");
    }

    [Fact]
    public void SubscribersDocDocumentsEveryAnonymousRouteAndTheEventGridPath()
    {
        var excluded = DocumentedExcludedPaths();

        var uncovered = AnonymousPaths().Where(p => !IsExcluded(p, excluded)).ToList();

        Assert.True(uncovered.Count == 0,
            $"docs/subscribers.md (\"Production authentication with Entra ID\") excludes no path covering {string.Join(", ", uncovered)}. " +
                $"Documented: {string.Join(", ", excluded)}");
    }

    [Fact]
    public async Task SubscribersDocShowsTheExcludedPathsTheBicepDeploys()
    {
        Assert.Equal((await BicepExcludedPathsAsync()).Order(StringComparer.Ordinal), DocumentedExcludedPaths().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AuthenticationIsRequiredForTheAdminRoutesAndOffWithoutAnAppRegistration()
    {
        var settings = await AuthSettingsAsync();
        var excluded = await BicepExcludedPathsAsync();

        Assert.True(settings["globalValidation"]!["requireAuthentication"]!.GetValue<bool>());
        Assert.Equal("RedirectToLoginPage", settings["globalValidation"]!["unauthenticatedClientAction"]!.GetValue<string>());
        Assert.Equal("azureactivedirectory", settings["globalValidation"]!["redirectToProvider"]!.GetValue<string>());
        Assert.Equal("[variables('enabled')]", settings["platform"]!["enabled"]!.GetValue<string>());
        var adminPaths = HttpRoutes().Where(r => r.AuthLevel != "Anonymous").Select(r => r.Path).ToList();
        Assert.NotEmpty(adminPaths);
        Assert.All(adminPaths, p => Assert.False(IsExcluded(p, excluded), $"{p} is an admin route but authentication excludes it."));
        var template = await Bicep.MainTemplateAsync();
        Assert.Equal("", template["parameters"]!["adminAuthClientId"]!["defaultValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConsolePagesNeedASignedInUserAndOnlyTheirStaticFilesArePublic()
    {
        var excluded = await BicepExcludedPathsAsync();
        var console = HttpRoutes().Select(r => r.Path).Where(IsConsolePage).ToList();

        Assert.Contains("/api/console", console);
        Assert.Contains("/api/console/maintenance", console);
        Assert.All(console, p => Assert.False(IsExcluded(p, excluded), $"{p} is a console page but authentication excludes it."));
        Assert.True(IsExcluded("/api/console/static/console.css", excluded));
        Assert.Contains("/api/articles/*", excluded);
    }

    [Fact]
    public void AppRolesOfTheRegistrationAreTheConsolesRoles()
    {
        using var roles = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "entra", "app-roles.json")));

        var values = roles.RootElement.EnumerateArray().Select(r => r.GetProperty("value").GetString()).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Enum.GetNames<Notifications.Web.ConsoleRole>().Order(StringComparer.Ordinal), values);
        Assert.All(roles.RootElement.EnumerateArray(), r =>
        {
            Assert.True(Guid.TryParse(r.GetProperty("id").GetString(), out _));
            Assert.True(r.GetProperty("isEnabled").GetBoolean());
            Assert.Equal(["User"], r.GetProperty("allowedMemberTypes").EnumerateArray().Select(t => t.GetString()));
        });
    }

    /// <summary>A page of the console: anonymous to the Functions host, signed in through the platform (its static files aside).</summary>
    private static bool IsConsolePage(string path)
        => (path == "/api/console" || path.StartsWith("/api/console/", StringComparison.Ordinal))
            && !path.StartsWith("/api/console/static/", StringComparison.Ordinal);

    [Theory]
    [InlineData("/api/subscribe", "/api/subscribe", true)]
    [InlineData("/api/subscribe/x", "/api/subscribe", false)]
    [InlineData("/api/digests/daily-2026-11-26/en", "/api/digests/*", true)]
    [InlineData("/api/digests", "/api/digests/*", false)]
    [InlineData("/api/digestsx/a", "/api/digests/*", false)]
    public void AnExcludedPathMatchesExactlyOrEverythingUnderItsWildcard(string path, string excluded, bool matches)
    {
        Assert.Equal(matches, IsExcluded(path, [excluded]));
    }

    /// <summary>
    /// Easy Auth's rule: an excluded path equals the request path (no query string), or ends with <c>/*</c> and the path
    /// is under it (the product team's answer in MicrosoftDocs/azure-docs#86514: <c>/myfolder/subfolder/*</c>).
    /// </summary>
    private static bool IsExcluded(string path, IEnumerable<string> excluded)
        => excluded.Any(e => e.EndsWith("/*", StringComparison.Ordinal)
            ? path.StartsWith(e[..^1], StringComparison.Ordinal) && path.Length > e.Length - 1
            : string.Equals(path, e, StringComparison.Ordinal));

    /// <summary>Every path that must stay anonymous, as a request would have it: route parameters filled in.</summary>
    private static IReadOnlyList<string> AnonymousPaths()
    {
        var paths = HttpRoutes().Where(r => r.AuthLevel == "Anonymous" && !IsConsolePage(r.Path)).Select(r => r.Path).ToList();
        Assert.Contains("/api/sendgrid/events", paths);
        Assert.Contains(paths, p => p.StartsWith("/api/digests/", StringComparison.Ordinal));
        if (Functions().Any(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "blobTrigger"
                && b.TryGetProperty("source", out var source) && source.GetString() == "EventGrid")))
            paths.Add(EventGridBlobPath);
        Assert.Contains(EventGridBlobPath, paths);
        return paths;
    }

    private static IEnumerable<(string Path, string AuthLevel)> HttpRoutes()
        => Functions()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .Select(b => (Route: b.TryGetProperty("route", out var r) ? r.GetString()! : f.GetProperty("name").GetString()!,
                    AuthLevel: b.GetProperty("authLevel").GetString()!)))
            .Select(x => ("/api/" + RouteParameter().Replace(x.Route, "sample"), x.AuthLevel));

    private static IReadOnlyList<JsonElement> Functions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FunctionsMetadata.File()));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static async Task<JsonNode> AuthSettingsAsync()
    {
        var config = Assert.Single(Bicep.Resources(await Bicep.MainTemplateAsync(), "Microsoft.Web/sites/config"),
            c => c["name"]?.GetValue<string>().Contains("authsettingsV2", StringComparison.Ordinal) == true);
        return config["properties"]!;
    }

    private static async Task<IReadOnlyList<string>> BicepExcludedPathsAsync()
        => (await AuthSettingsAsync())["globalValidation"]!["excludedPaths"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();

    /// <summary>The excludedPaths of the configuration block under "Production authentication with Entra ID" in docs/subscribers.md.</summary>
    private static IReadOnlyList<string> DocumentedExcludedPaths()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "subscribers.md"));
        var section = doc.IndexOf("**Production authentication with Entra ID.**", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/subscribers.md has no \"Production authentication with Entra ID\" paragraph.");
        var block = CodeBlock().Match(doc, section);
        Assert.True(block.Success, "docs/subscribers.md's \"Production authentication with Entra ID\" has no ```jsonc block.");
        var paths = ExcludedPaths().Match(block.Groups[1].Value);
        Assert.True(paths.Success, "docs/subscribers.md's authentication block has no \"excludedPaths\": [ ... ].");
        return Regex.Matches(paths.Groups[1].Value, "\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"```jsonc?\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"""excludedPaths""\s*:\s*\[(.*?)\]", RegexOptions.Singleline)]
    private static partial Regex ExcludedPaths();
}
