namespace Notifications.Localization;

/// <summary>Plural categories as CLDR names them; English and French use One and Other, Russian also Few and Many.</summary>
public enum PluralCategory { One, Two, Few, Many, Other }

/// <summary>
/// Which plural form a whole number takes in each language (CLDR's rules, written out here rather than taken from the
/// machine's ICU data, so a text reads the same on every machine). The forms themselves are in the language files, under
/// keys ending in <c>.one</c>, <c>.two</c>, <c>.few</c>, <c>.many</c>, <c>.other</c>.
/// </summary>
public static class PluralRules
{
    /// <summary>The cardinal category ("1 report", "2 reports") of a whole number.</summary>
    public static PluralCategory Cardinal(string language, int n) => language switch
    {
        "ru" => Russian(n),
        "fr" => n is 0 or 1 ? PluralCategory.One : PluralCategory.Other,
        _ => n == 1 ? PluralCategory.One : PluralCategory.Other,
    };

    /// <summary>Russian: one (1, 21, 101; not 11), few (2–4, 22–24; not 12–14), many (0, 5–20, 25–30, 11–14, ...).</summary>
    public static PluralCategory Russian(int n)
    {
        n = Math.Abs(n);
        var mod10 = n % 10;
        var mod100 = n % 100;
        if (mod10 == 1 && mod100 != 11) return PluralCategory.One;
        if (mod10 is >= 2 and <= 4 && mod100 is < 12 or > 14) return PluralCategory.Few;
        return PluralCategory.Many;
    }

    /// <summary>The ordinal category ("1st", "2nd", "3rd", "4th") of a whole number.</summary>
    public static PluralCategory Ordinal(string language, int n) => language switch
    {
        "ru" => PluralCategory.Other,
        "fr" => n == 1 ? PluralCategory.One : PluralCategory.Other,
        _ => (n % 100) is 11 or 12 or 13 ? PluralCategory.Other : (n % 10) switch
        {
            1 => PluralCategory.One,
            2 => PluralCategory.Two,
            3 => PluralCategory.Few,
            _ => PluralCategory.Other,
        },
    };

    /// <summary>The form's name in the language files: "one", "two", "few", "many", "other".</summary>
    public static string Name(PluralCategory category) => category switch
    {
        PluralCategory.One => "one",
        PluralCategory.Two => "two",
        PluralCategory.Few => "few",
        PluralCategory.Many => "many",
        _ => "other",
    };
}
