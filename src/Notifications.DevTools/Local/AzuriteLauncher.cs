using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Notifications.Local;

/// <summary>A running Azurite: its connection string, and how to stop it.</summary>
/// <remarks>A detached instance (no <paramref name="process"/>) is not stopped on dispose: it outlives this process.</remarks>
public sealed class AzuriteInstance(Process? process, int processId, string connectionString) : IAsyncDisposable
{
    public string ConnectionString { get; } = connectionString;
    public int ProcessId { get; } = processId;

    public async ValueTask DisposeAsync()
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}

/// <summary>
/// Starts Azurite (the local Azure Storage emulator) for the demo and the tests: installed with npm into
/// <c>.tools/azurite</c> on first use, in-memory, bound to 127.0.0.1.
/// </summary>
public sealed class AzuriteLauncher(ILogger<AzuriteLauncher> logger)
{
    public const string Version = "3.37.0";
    /// <summary>Azurite's published development account key (not a secret).</summary>
    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort)
        => "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DevelopmentKey + ";" +
           $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
               $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>The folder Azurite is installed into: <c>.tools/azurite</c> at the repository root (or the current folder outside a checkout).</summary>
    public static string ToolFolder => Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), ".tools", "azurite");

    private static string EntryPoint => Path.Combine(ToolFolder, "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>Starts Azurite on three free loopback ports and waits until it answers. Disposing the instance stops it.</summary>
    /// <remarks>
    /// A port found free can be taken by another process (another test run) before Azurite binds it: then Azurite exits at once,
    /// and this tries again on other ports, up to three times.
    /// </remarks>
    public async Task<AzuriteInstance> StartOnFreePortsAsync(CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(FreePort(), FreePort(), FreePort(), detached: false, ct);
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
                logger.LogWarning("Azurite exited while starting (attempt {Attempt}); trying other ports", attempt);
            }
        }
    }

    /// <summary>
    /// Starts Azurite on the given ports. A detached Azurite outlives this process (the demo leaves it running, so a second
    /// run sees the same state); its output goes to <c>.tools/azurite/azurite.log</c> and its pid to <c>azurite.pid</c>.
    /// </summary>
    public async Task<AzuriteInstance> StartAsync(int blobPort, int queuePort, int tablePort, bool detached, CancellationToken ct = default)
    {
        await EnsureInstalledAsync(ct);
        var args = $"--inMemoryPersistence --disableTelemetry --skipApiVersionCheck --silent " +
                   $"--blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --blobPort {blobPort} --queuePort {queuePort} --tablePort {tablePort}";
        var node = $"node \"{EntryPoint}\" {args}";
        var start = detached && !OperatingSystem.IsWindows()
            // exec through sh so Azurite's output goes to a file, not to our stdout (a pipe a caller may be waiting on).
            ? new ProcessStartInfo("/bin/sh", ["-c", $"exec {node} >> \"{Path.Combine(ToolFolder, "azurite.log")}\" 2>&1 < /dev/null"])
            : new ProcessStartInfo("node", $"\"{EntryPoint}\" {args}") { RedirectStandardOutput = !detached, RedirectStandardError = !detached };
        start.WorkingDirectory = ToolFolder;
        start.UseShellExecute = false;
        start.CreateNoWindow = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node: is Node.js installed and on the PATH?");
        if (!detached)
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) logger.LogDebug("azurite: {Line}", e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        else
        {
            await File.WriteAllTextAsync(Path.Combine(ToolFolder, "azurite.pid"), process.Id.ToString(), ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await IsListeningAsync(blobPort) && await IsListeningAsync(queuePort) && await IsListeningAsync(tablePort)))
        {
            if (process.HasExited)
                throw new AzuriteExitedException(
                    $"Azurite exited with code {process.ExitCode} while starting (ports {blobPort}, {queuePort}, {tablePort}); is another program using them?");
            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Azurite did not answer on ports {blobPort}, {queuePort}, {tablePort} within 60 s.");
            }
            await Task.Delay(100, ct);
        }
        logger.LogInformation("Azurite {Version} listening on 127.0.0.1 ports {BlobPort}, {QueuePort}, {TablePort} (pid {Pid})",
            Version, blobPort, queuePort, tablePort, process.Id);
        return new AzuriteInstance(detached ? null : process, process.Id, ConnectionStringFor(blobPort, queuePort, tablePort));
    }

    /// <summary>Stops an Azurite that <see cref="StartAsync"/> left running detached. False when none was running.</summary>
    public static bool StopDetached()
    {
        var pidFile = Path.Combine(ToolFolder, "azurite.pid");
        if (!File.Exists(pidFile)) return false;
        var stopped = false;
        try
        {
            using var process = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim()));
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            stopped = true;
        }
        catch (ArgumentException)
        {
            // Not running any more.
        }
        File.Delete(pidFile);
        return stopped;
    }

    public async Task EnsureInstalledAsync(CancellationToken ct = default)
    {
        if (File.Exists(EntryPoint)) return;
        Directory.CreateDirectory(ToolFolder);
        // Test assemblies start in parallel: one installs, the others wait for it.
        await using var installLock = await LockAsync(Path.Combine(ToolFolder, "install.lock"), ct);
        if (File.Exists(EntryPoint)) return;
        logger.LogWarning("Installing Azurite {Version} with npm into {Folder} (first use only)", Version, ToolFolder);
        var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        var install = new ProcessStartInfo(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", ToolFolder, $"azurite@{Version}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(install)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("npm was not found: install Node.js (which brings npm), then run this again.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0 || !File.Exists(EntryPoint))
                throw new InvalidOperationException($"npm could not install azurite@{Version} into {ToolFolder}: {(await stderr).Trim()}");
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, ct);
            }
        }
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1 at this port.</summary>
    public static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Notifications.sln")))
                    return dir.FullName;
        }
        return null;
    }
}

/// <summary>Azurite stopped while starting: usually a port that another program took.</summary>
public sealed class AzuriteExitedException(string message) : InvalidOperationException(message);
