using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace NumberTrust.Functions.Tests.StandIn;

/// <summary>
/// Renders public types and members in the line format of functions-worker-api.txt (see its header), so a
/// compiled assembly can be compared with the list line by line.
/// </summary>
internal static class ApiRenderer
{
    private const BindingFlags DeclaredPublic =
        BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string TypeLine(Type type)
    {
        var bases = new List<string>();
        if (type is { IsClass: true, BaseType: { } baseType } && baseType != typeof(object))
        {
            bases.Add(TypeName(baseType));
        }

        bases.AddRange(type.GetInterfaces().Select(TypeName).Order(StringComparer.Ordinal));
        var line = $"{Kind(type)} {TypeName(type)}";
        return bases.Count == 0 ? line : $"{line} : {string.Join(", ", bases)}";
    }

    public static IReadOnlyList<string> MemberLines(Type type)
    {
        if (type.IsEnum)
        {
            return type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}")
                .ToList();
        }

        var lines = new List<string>();
        lines.AddRange(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Select(c => $"ctor({Parameters(c)})"));
        lines.AddRange(type.GetProperties(DeclaredPublic).Where(IsVisible).Select(Property));
        lines.AddRange(type.GetMethods(DeclaredPublic).Where(m => !m.IsSpecialName).Select(Method));
        lines.AddRange(type.GetFields(DeclaredPublic).Select(f => $"{(f.IsStatic ? "static " : "")}field {TypeName(f.FieldType)} {f.Name}"));
        lines.AddRange(type.GetEvents(DeclaredPublic).Select(e => $"event {TypeName(e.EventHandlerType!)} {e.Name}"));
        return lines;
    }

    public static string TypeName(Type type)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!) + "&";
        }

        if (type.IsPointer)
        {
            return TypeName(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        var qualified = type.DeclaringType is { } outer
            ? $"{TypeName(outer)}+{name}"
            : string.IsNullOrEmpty(type.Namespace) ? name : $"{type.Namespace}.{name}";
        return type.IsGenericType
            ? $"{qualified}<{string.Join(",", type.GetGenericArguments().Select(TypeName))}>"
            : qualified;
    }

    private static string Kind(Type type) => type switch
    {
        { IsInterface: true } => "interface",
        { IsEnum: true } => "enum",
        { IsValueType: true } => "struct",
        { IsAbstract: true, IsSealed: true } => "static class",
        { IsSealed: true } => "sealed class",
        { IsAbstract: true } => "abstract class",
        _ => "class",
    };

    private static bool IsVisible(PropertyInfo property) =>
        property.GetMethod is { IsPublic: true } || property.SetMethod is { IsPublic: true };

    private static string Property(PropertyInfo property)
    {
        var accessor = property.GetMethod is { IsPublic: true } getter ? getter : property.SetMethod!;
        var accessors = new List<string>();
        if (property.GetMethod is { IsPublic: true })
        {
            accessors.Add("get;");
        }

        if (property.SetMethod is { IsPublic: true })
        {
            accessors.Add("set;");
        }

        var indexer = property.GetIndexParameters() is { Length: > 0 } index ? $"[{string.Join(", ", index.Select(p => Parameter(p, false)))}]" : "";
        return $"{Modifiers(accessor)}property {TypeName(property.PropertyType)} {property.Name}{indexer} {{ {string.Join(" ", accessors)} }}";
    }

    private static string Method(MethodInfo method)
    {
        var generic = method.IsGenericMethodDefinition
            ? $"<{string.Join(",", method.GetGenericArguments().Select(TypeName))}>"
            : "";
        return $"{Modifiers(method)}{TypeName(method.ReturnType)} {method.Name}{generic}({Parameters(method)})";
    }

    private static string Modifiers(MethodBase method) =>
        (method.IsStatic ? "static " : "") + (method.IsAbstract ? "abstract " : "");

    private static string Parameters(MethodBase method)
    {
        var isExtension = method.IsDefined(typeof(ExtensionAttribute), inherit: false);
        return string.Join(", ", method.GetParameters().Select(p => Parameter(p, isExtension && p.Position == 0)));
    }

    private static string Parameter(ParameterInfo parameter, bool isThis)
    {
        var prefix = (parameter.IsDefined(typeof(ParamArrayAttribute), inherit: false) ? "params " : "") + (isThis ? "this " : "");
        var text = $"{prefix}{TypeName(parameter.ParameterType)} {parameter.Name}";
        return parameter.HasDefaultValue ? $"{text} = {Literal(parameter.DefaultValue)}" : text;
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
