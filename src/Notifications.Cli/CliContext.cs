using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Local;
using Notifications.Mail;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Templates;

namespace Notifications.Cli;

/// <summary>
/// What every command shares: configuration (local defaults, then <c>local.settings.json</c>, then environment variables),
/// the host with the Core composition, stable JSON output, and turning failures into one clear line and a non-zero exit.
/// </summary>
public sealed class CliContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?> overrides)
{
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v") { Description = "Log what the pipeline does (to stderr).", Recursive = true };
    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON (stable field names, for scripts)." };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Local defaults: Azurite and the outbox. Anything set in local.settings.json or the environment wins.</summary>
    private static readonly Dictionary<string, string?> LocalDefaults = new()
    {
        // The fallback, not AzureWebJobsStorage itself: an identity-based AzureWebJobsStorage__accountName (a deployed account) must win over it.
        ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        ["Delivery:Mode"] = "Outbox",
        ["Delivery:FromEmail"] = "digests@secretariat.example",
        ["Delivery:FromName"] = "Secretariat digests (local)",
        ["Digest:Sender"] = "PTC Secretariat",
        ["Digest:Organization"] = "the Permanent Technical Committee's session reports",
        ["Digest:Languages:ru:Sender"] = "Секретариат ПТК",
        // Russian and French name the subscription as a title, in quotes: «Отчёты о сессиях …», « Comptes rendus … ».
        ["Digest:Languages:ru:Organization"] = "Отчёты о сессиях Постоянного технического комитета",
        ["Digest:Languages:fr:Sender"] = "Secrétariat du CTP",
        ["Digest:Languages:fr:Organization"] = "Comptes rendus des sessions du Comité technique permanent",
        ["Digest:ContactAddress"] = "ptc@secretariat.example",
        ["Digest:PostalAddress"] = "World Customs Organization, Rue du Marché 30, 1210 Brussels, Belgium",
        ["Digest:Languages:ru:PostalAddress"] = "Всемирная таможенная организация, Рю дю Марше 30, 1210 Брюссель, Бельгия",
        ["Digest:Languages:fr:PostalAddress"] = "Organisation mondiale des douanes, Rue du Marché 30, 1210 Bruxelles, Belgique",
    };

    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;

    /// <summary>Where a typed confirmation is read (<c>subscribers remove</c> without <c>--yes</c>).</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Runs a command body against a started host; failures become one line on stderr and exit code 1.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<IServiceProvider, Task<int>> body,
        IReadOnlyDictionary<string, string?>? commandSettings = null, bool startStorage = false)
    {
        try
        {
            var configuration = BuildConfiguration(commandSettings);
            // Before anything runs: a command refused half-way (a batch claimed, then no link) would leave work in doubt.
            if (!NeverBuildsLinks.Contains(CommandPath(parse)) && LocalSigningRefusal(configuration) is { } refusal)
                throw new InvalidOperationException(refusal);
            if (startStorage)
                await StartLocalStorageIfNeededAsync(configuration);
            else
                await RequireLocalStorageAsync(configuration);

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Configuration = configuration });
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(parse.GetValue(VerboseOption) ? LogLevel.Information : LogLevel.Error);
            builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
            builder.Services.AddNotifications(builder.Configuration).AddNotificationsDevTools();
            using var host = builder.Build();
            await host.StartAsync();
            try
            {
                return await body(host.Services);
            }
            finally
            {
                await host.StopAsync();
            }
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            await Error.WriteLineAsync("error: " + message);
            return 1;
        }
    }

    /// <summary>For commands that build their own host (`serve`): the configuration, local storage checked, failures as one line.</summary>
    public async Task<int> RunWithConfigurationAsync(ParseResult parse, Func<IConfiguration, Task<int>> body)
    {
        try
        {
            var configuration = BuildConfiguration(null);
            if (LocalSigningRefusal(configuration) is { } refusal)
                throw new InvalidOperationException(refusal);
            await RequireLocalStorageAsync(configuration);
            return await body(configuration);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            await Error.WriteLineAsync("error: " + message);
            return 1;
        }
    }

    public Task WriteJsonAsync<T>(T value) => Out.WriteLineAsync(JsonSerializer.Serialize(value, Json));

    /// <summary>JSON through a source-generated context's type (the shape the HTTP API answers with), indented as the rest.</summary>
    public async Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> type)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            JsonSerializer.Serialize(writer, value, type);
        await Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>
    /// The local defaults, local.settings.json, the environment and the overrides. The local signing key is added as a
    /// fallback; when the storage is a deployed one and the settings name a key of their own, it is left out altogether.
    /// </summary>
    private ConfigurationManager BuildConfiguration(IReadOnlyDictionary<string, string?>? commandSettings)
    {
        var configuration = BuildConfiguration(commandSettings, withLocalKey: true);
        return LocalStorageEndpoint.From(configuration) is null && configuration[$"{TokenOptions.Section}:CurrentKeyId"] != LocalKeyId
            ? BuildConfiguration(commandSettings, withLocalKey: false)
            : configuration;
    }

    private ConfigurationManager BuildConfiguration(IReadOnlyDictionary<string, string?>? commandSettings, bool withLocalKey)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(LocalDefaults);
        if (withLocalKey)
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{TokenOptions.Section}:Keys:{LocalKeyId}"] = LocalTokenKey(),
                [$"{TokenOptions.Section}:CurrentKeyId"] = LocalKeyId
            });
        if (FindLocalSettings() is { } file)
            configuration.AddInMemoryCollection(ReadLocalSettingsValues(file));
        configuration.AddEnvironmentVariables();
        configuration.AddInMemoryCollection(overrides);
        if (commandSettings is not null)
            configuration.AddInMemoryCollection(commandSettings);
        // The local id key only for local storage (Azurite): against a deployed account, ids must be the app's (Subscribers__IdKey from
        // Key Vault), or the CLI would look people up, add and erase them under other ids; without it the start fails naming the setting.
        if (string.IsNullOrEmpty(configuration["Subscribers:IdKey"]) && LocalStorageEndpoint.From(configuration) is not null)
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Subscribers:IdKey"] = ReadOrCreateLocalTokenKey(
                    Path.Combine(Path.GetDirectoryName(AzuriteLauncher.ToolFolder)!, "local-subscriber-id.key"))
            });
        return configuration;
    }

    /// <summary>
    /// Why this configuration must not sign or build links: the storage is a deployed account (not Azurite) while the signing
    /// key is still the local one, or the link base still a loopback address, so mail would carry links the app refuses or
    /// that lead nowhere. Null when nothing is wrong (local storage, or deployed settings given).
    /// </summary>
    public static string? LocalSigningRefusal(IConfiguration configuration)
    {
        if (LocalStorageEndpoint.From(configuration) is not null) return null;
        var problems = new List<string>();
        if (configuration[$"{TokenOptions.Section}:CurrentKeyId"] == LocalKeyId)
            problems.Add("links would be signed with this machine's local key: set Tokens__Keys__<id> to the deployed signing key (Key Vault " +
                "secret token-key-k1) and Tokens__CurrentKeyId to its id (k1)");
        var baseUrl = configuration[$"{LinkOptions.Section}:{nameof(LinkOptions.BaseUrl)}"] ?? new LinkOptions().BaseUrl;
        if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri) || uri.IsLoopback)
            problems.Add($"links would point at {baseUrl}: set Links__BaseUrl to the function app's address (https://<app host name>)");
        return problems.Count == 0 ? null
            : "the storage is not local (Azurite), so notify will not sign or build links with local settings: " +
                string.Join("; ", problems) + ". See docs/runbook.md.";
    }

    private const string LocalKeyId = "local";

    /// <summary>
    /// The commands that neither sign nor build a link (they read or change records): they run against a deployed storage
    /// without its signing key and link base. Any other command, a new one included, is refused there with local settings.
    /// </summary>
    private static readonly HashSet<string> NeverBuildsLinks =
    [
        "articles list", "articles show", "digest status", "bench ingest",
        "subscribers add", "subscribers list", "subscribers show", "subscribers update", "subscribers remove", "subscribers suspend",
        "subscribers activate", "subscribers import", "subscribers export", "subscribers coverage", "subscribers migrate-ids",
        "subscribers purge-pending",
    ];

    /// <summary>The command's words below the root, e.g. "digest status".</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            names.Insert(0, result.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>The file the local signing key is kept in (git-ignored, next to the local tools); only its owner may read it.</summary>
    public static string LocalTokenKeyFile => Path.Combine(Path.GetDirectoryName(AzuriteLauncher.ToolFolder)!, "local-token.key");

    /// <summary>
    /// The key that signs links in local runs: made once on this machine and kept in the git-ignored .tools folder, so links
    /// in the outbox keep working with `notify serve`. Created readable by its owner only (0600). Deployed apps get theirs
    /// from Key Vault (Tokens:Keys).
    /// </summary>
    private static string LocalTokenKey() => ReadOrCreateLocalTokenKey(LocalTokenKeyFile);

    /// <summary>The key in <paramref name="file"/>, or a new random one written there first (mode 0600 where there are modes).</summary>
    public static string ReadOrCreateLocalTokenKey(string file)
    {
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var writer = new StreamWriter(file, System.Text.Encoding.ASCII, options);
            writer.Write(key);
        }
        catch (IOException) when (File.Exists(file))
        {
            return File.ReadAllText(file).Trim(); // another run made it first
        }
        return key;
    }

    /// <summary>The "Values" of local.settings.json (the file <c>func start</c> reads), with <c>__</c> as the section separator.</summary>
    private static Dictionary<string, string?> ReadLocalSettingsValues(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = new Dictionary<string, string?>();
        if (document.RootElement.TryGetProperty("Values", out var section))
            foreach (var property in section.EnumerateObject())
                values[property.Name.Replace("__", ":")] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : property.Value.GetRawText();
        return values;
    }

    /// <summary>local.settings.json in the current folder or above it, or where <c>func start</c> reads it (the function project).</summary>
    private static string? FindLocalSettings()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "local.settings.json");
            if (File.Exists(candidate)) return candidate;
            if (File.Exists(Path.Combine(dir.FullName, "Notifications.sln")))
            {
                var functions = Path.Combine(dir.FullName, "src", "Notifications.Functions", "local.settings.json");
                return File.Exists(functions) ? functions : null;
            }
        }
        return null;
    }

    /// <summary>Local storage (Azurite) that does not answer: start it, detached, so the next command sees the same state.</summary>
    private async Task StartLocalStorageIfNeededAsync(IConfiguration configuration)
    {
        if (LocalStorageEndpoint.From(configuration) is not { } local || await AzuriteLauncher.IsListeningAsync(local.BlobPort)) return;
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var launcher = new AzuriteLauncher(loggers.CreateLogger<AzuriteLauncher>());
        await Out.WriteLineAsync(
            $"Storage: nothing answers at 127.0.0.1:{local.BlobPort}; starting Azurite {AzuriteLauncher.Version} (in-memory, loopback)...");
        var azurite = await launcher.StartAsync(local.BlobPort, local.QueuePort, local.TablePort, detached: true);
        await Out.WriteLineAsync(
            $"Storage: Azurite is running in the background (pid {azurite.ProcessId}); it keeps this session's state until `notify azurite stop`.");
    }

    private static async Task RequireLocalStorageAsync(IConfiguration configuration)
    {
        if (LocalStorageEndpoint.From(configuration) is { } local && !await AzuriteLauncher.IsListeningAsync(local.BlobPort))
            throw new StorageUnavailableException(
                $"no storage answers at 127.0.0.1:{local.BlobPort} (AzureWebJobsStorage). Start Azurite, or run `notify demo`, which starts it for you.");
    }

    private static string? Describe(Exception e) => e switch
    {
        InvalidSubscriberException i => i.ForAdmin,
        InvalidEmailAddressException or ArticleRejectedException or TemplateException or StorageUnavailableException => e.Message,
        OptionsValidationException o => "configuration: " + string.Join(" ", o.Failures),
        AggregateException a when a.InnerExceptions.All(i => i is OptionsValidationException) =>
            "configuration: " + string.Join(" ", a.InnerExceptions.Cast<OptionsValidationException>().SelectMany(o => o.Failures)),
        FileNotFoundException f => $"file not found: {f.FileName}",
        ArgumentException a => a.Message,
        RequestFailedException r => $"storage answered {r.Status} {r.ErrorCode}: {r.Message.Split('\n')[0]}",
        InvalidOperationException or TimeoutException => e.Message,
        IOException io when io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) => io.Message + " Use --port to choose another.",
        _ => null,
    };
}

public sealed class StorageUnavailableException(string message) : Exception(message);

/// <summary>The loopback ports of a local (Azurite) storage connection string; null for a real storage account.</summary>
public sealed record LocalStorageEndpoint(int BlobPort, int QueuePort, int TablePort)
{
    public static LocalStorageEndpoint? From(IConfiguration configuration)
    {
        var connection = configuration[StorageOptions.ConnectionSetting];
        if (string.IsNullOrEmpty(connection) && configuration.GetSection(StorageOptions.ConnectionSetting).GetChildren().Any())
            return null; // identity-based: AzureWebJobsStorage__accountName, __blobServiceUri, ... name a real account
        connection = string.IsNullOrEmpty(connection) ? configuration[$"{StorageOptions.Section}:ConnectionString"] ?? "" : connection;
        if (connection.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
            return new LocalStorageEndpoint(10000, 10001, 10002);
        var parts = connection.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        int? PortOf(string key) => parts.TryGetValue(key, out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback ? uri.Port : null;
        return PortOf("BlobEndpoint") is { } blob
            ? new LocalStorageEndpoint(blob, PortOf("QueueEndpoint") ?? blob + 1, PortOf("TableEndpoint") ?? blob + 2)
            : null;
    }
}
