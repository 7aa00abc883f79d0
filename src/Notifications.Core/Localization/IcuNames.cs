using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace Notifications.Localization;

/// <summary>
/// Localized names of time zones and countries, from ICU (the library .NET itself uses for globalization on Linux), which .NET does
/// not expose for a culture of our choosing (<see cref="TimeZoneInfo.DisplayName"/> follows the process's UI culture). Time zone
/// names come from ICU date patterns, as .NET's own native shim does: <c>VVV</c> is the exemplar city ("Ташкент", "Tachkent"),
/// <c>VVVV</c> the generic location ("Узбекистан", "heure : Ouzbékistan"). Every answer is null when ICU cannot be loaded (then
/// callers show the IANA id), and is cached.
/// </summary>
public static class IcuNames
{
    private static readonly Lazy<Icu?> Library = new(Icu.TryLoad);
    private static readonly ConcurrentDictionary<(string, string, string), string?> Zones = new();
    private static readonly ConcurrentDictionary<(string, string), string?> CountryNames = new();
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> ZonesOfCountry = new(StringComparer.Ordinal);

    /// <summary>Whether ICU could be loaded here.</summary>
    public static bool Available => Library.Value is not null;

    /// <summary>The zone's exemplar city in <paramref name="language"/>, e.g. Asia/Tashkent in ru → "Ташкент"; null when ICU has none.</summary>
    public static string? ExemplarCity(string zoneId, string language) => ZonePattern(zoneId, language, "VVV");

    /// <summary>The zone's generic location in <paramref name="language"/>: its country when the country has one zone ("Узбекистан"),
    /// else its city; null when ICU has none.</summary>
    public static string? Location(string zoneId, string language) => ZonePattern(zoneId, language, "VVVV");

    /// <summary>The country's name in <paramref name="language"/>, e.g. UZ in ru → "Узбекистан"; null when ICU does not know the code.</summary>
    public static string? Country(string code, string language)
        => CountryNames.GetOrAdd((code.ToUpperInvariant(), language), k => Library.Value?.CountryName(k.Item1, k.Item2));

    /// <summary>Every ISO 3166-1 alpha-2 code ICU knows; empty without ICU.</summary>
    public static IReadOnlyList<string> Countries => CountryCodes.Value;

    /// <summary>The IANA zones of a country (ICU's order: alphabetical); empty when none or without ICU.</summary>
    public static IReadOnlyList<string> ZonesOf(string country)
        => ZonesOfCountry.GetOrAdd(country.ToUpperInvariant(), c => Library.Value?.CountryZones(c) ?? []);

    /// <summary>A zone's name in <paramref name="language"/>: its exemplar city and its country, "Ташкент (Узбекистан)", "Bruxelles
    /// (Belgique)"; the city alone where they are the same; the id's last part with spaces when ICU has no name; "UTC" for UTC.</summary>
    public static string ZoneName(string zoneId, string language)
    {
        if (zoneId is "UTC" or "") return "UTC";
        var city = ExemplarCity(zoneId, language) ?? zoneId[(zoneId.LastIndexOf('/') + 1)..].Replace('_', ' ');
        var country = ZoneCountries.Value.TryGetValue(zoneId, out var code) ? Country(code, language) : null;
        return country is null || country == city ? city : $"{city} ({country})";
    }

    /// <summary>Each zone's country code (from ICU's country → zones table).</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, string>> ZoneCountries = new(() =>
    {
        var countries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var country in Countries)
            foreach (var zone in ZonesOf(country))
                countries.TryAdd(zone, country);
        return countries;
    });

    private static readonly Lazy<IReadOnlyList<string>> CountryCodes = new(() => Library.Value?.IsoCountries() ?? []);

    private static string? ZonePattern(string zoneId, string language, string pattern)
        => Zones.GetOrAdd((zoneId, language, pattern), k => Library.Value?.FormatZone(k.Item2, k.Item1, k.Item3));

    /// <summary>The loaded ICU libraries and the few C functions used (ICU's C API suffixes each symbol with its major version).</summary>
    private sealed class Icu
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
        private delegate IntPtr DateOpen(int timeStyle, int dateStyle, byte[] locale, [MarshalAs(UnmanagedType.LPWStr)] string zone, int zoneLength,
            [MarshalAs(UnmanagedType.LPWStr)] string pattern, int patternLength, ref int status);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
        private delegate int DateFormat(IntPtr format, double date, [Out] char[] result, int capacity, IntPtr position, ref int status);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
        private delegate void Close(IntPtr handle);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
        private delegate int DisplayCountry(byte[] locale, byte[] displayLocale, [Out] char[] result, int capacity, ref int status);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
        private delegate IntPtr OpenCountryZones(byte[] country, ref int status);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
        private delegate IntPtr EnumNext(IntPtr enumeration, out int length, ref int status);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
        private delegate IntPtr IsoCountriesList();

        private const int PatternStyle = -2; // UDAT_PATTERN
        private readonly DateOpen dateOpen;
        private readonly DateFormat dateFormat;
        private readonly Close dateClose;
        private readonly DisplayCountry displayCountry;
        private readonly OpenCountryZones openCountryZones;
        private readonly EnumNext enumNext;
        private readonly Close enumClose;
        private readonly IsoCountriesList isoCountries;
        private readonly object gate = new();

        private Icu(IntPtr i18n, IntPtr uc, string suffix)
        {
            T Get<T>(IntPtr library, string name) where T : Delegate
                => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name + suffix));
            dateOpen = Get<DateOpen>(i18n, "udat_open");
            dateFormat = Get<DateFormat>(i18n, "udat_format");
            dateClose = Get<Close>(i18n, "udat_close");
            openCountryZones = Get<OpenCountryZones>(i18n, "ucal_openCountryTimeZones");
            displayCountry = Get<DisplayCountry>(uc, "uloc_getDisplayCountry");
            enumNext = Get<EnumNext>(uc, "uenum_next");
            enumClose = Get<Close>(uc, "uenum_close");
            isoCountries = Get<IsoCountriesList>(uc, "uloc_getISOCountries");
        }

        /// <summary>The system's ICU (libicuuc/libicui18n, versions 50 to 99, or unversioned with unsuffixed symbols); null when none loads.</summary>
        public static Icu? TryLoad()
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return null;
            for (var version = 99; version >= 50; version--)
            {
                if (NativeLibrary.TryLoad($"libicuuc.so.{version}", out var uc) && NativeLibrary.TryLoad($"libicui18n.so.{version}", out var i18n))
                {
                    var suffix = NativeLibrary.TryGetExport(uc, $"uenum_next_{version}", out _) ? $"_{version}" : "";
                    try
                    {
                        return new Icu(i18n, uc, suffix);
                    }
                    catch (EntryPointNotFoundException)
                    {
                        return null;
                    }
                }
            }
            return null;
        }

        public string? FormatZone(string language, string zoneId, string pattern)
        {
            lock (gate)
            {
                var status = 0;
                var format = dateOpen(PatternStyle, PatternStyle, Ascii(language), zoneId, zoneId.Length, pattern, pattern.Length, ref status);
                if (status > 0 || format == IntPtr.Zero) return null;
                try
                {
                    var buffer = new char[256];
                    var length = dateFormat(format, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), buffer, buffer.Length, IntPtr.Zero, ref status);
                    return status > 0 || length <= 0 ? null : new string(buffer, 0, Math.Min(length, buffer.Length));
                }
                finally
                {
                    dateClose(format);
                }
            }
        }

        public string? CountryName(string code, string language)
        {
            var status = 0;
            var buffer = new char[128];
            var length = displayCountry(Ascii("und_" + code), Ascii(language), buffer, buffer.Length, ref status);
            var name = status > 0 || length <= 0 ? null : new string(buffer, 0, Math.Min(length, buffer.Length));
            // ICU answers the code itself for one it does not know.
            return name is null || name == code ? null : name;
        }

        public IReadOnlyList<string> CountryZones(string country)
        {
            var status = 0;
            var enumeration = openCountryZones(Ascii(country), ref status);
            if (status > 0 || enumeration == IntPtr.Zero) return [];
            try
            {
                var zones = new List<string>();
                IntPtr next;
                while ((next = enumNext(enumeration, out var length, ref status)) != IntPtr.Zero && status <= 0)
                    zones.Add(Marshal.PtrToStringAnsi(next, length));
                return zones;
            }
            finally
            {
                enumClose(enumeration);
            }
        }

        public IReadOnlyList<string> IsoCountries()
        {
            var list = isoCountries();
            var codes = new List<string>();
            for (var i = 0; list != IntPtr.Zero; i++)
            {
                var entry = Marshal.ReadIntPtr(list, i * IntPtr.Size);
                if (entry == IntPtr.Zero) break;
                codes.Add(Marshal.PtrToStringAnsi(entry)!);
            }
            return codes;
        }

        private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text + "\0");
    }
}
