using System.IO.Compression;
using System.Xml.Linq;
using NumberTrust.Functions.Tests.Infrastructure;

namespace NumberTrust.Functions.Tests.Selection;

/// <summary>The real worker packages as the repo declares them: ids from the probe project, versions from Directory.Packages.props.</summary>
internal static class WorkerPackages
{
    public static IReadOnlyList<(string Id, string Version)> All { get; } = Load();

    /// <summary>Writes a minimal .nupkg (just a .nuspec) per package, enough for NuGet to restore it from a folder source.</summary>
    public static void WriteFakes(string source)
    {
        foreach (var (id, version) in All)
        {
            using var archive = ZipFile.Open(Path.Combine(source, $"{id}.{version}.nupkg"), ZipArchiveMode.Create);
            using var writer = new StreamWriter(archive.CreateEntry($"{id}.nuspec").Open());
            writer.Write(
                new XDocument(
                    new XElement(
                        XName.Get("package", "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"),
                        new XElement(
                            XName.Get("metadata", "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"),
                            new XElement(XName.Get("id", "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"), id),
                            new XElement(XName.Get("version", "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"), version),
                            new XElement(XName.Get("authors", "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"), "NumberTrust tests"),
                            new XElement(XName.Get("description", "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"), "Fake package for the worker probe test.")))).ToString());
        }
    }

    private static List<(string Id, string Version)> Load()
    {
        var versions = XDocument.Load(RepoPaths.PackagesProps).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        return XDocument.Load(RepoPaths.ProbeProject).Descendants("PackageReference")
            .Select(e => (string)e.Attribute("Include")!)
            .Select(id => (id, versions.TryGetValue(id, out var version)
                ? version
                : throw new InvalidOperationException($"{id} has no PackageVersion in Directory.Packages.props.")))
            .ToList();
    }
}
