using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace InternalApi.Core.Model;

/// <summary>
/// An IPv4 or IPv6 CIDR range (<c>192.0.2.0/24</c>, <c>2001:db8::/32</c>; a bare address is a range of one), as
/// a group's IP allow-list holds them. Parsing is strict where .NET's own parser is lax and Ruby's
/// <c>IPAddr</c>, which GitLab uses, is not: IPv4 only as four decimal octets without zero-filled numbers
/// (<c>IPAddress.Parse</c> would take <c>10.1</c>, <c>0x0a.0.0.1</c> or <c>010.0.0.1</c>), IPv6 only in its
/// colon forms (optionally in brackets, no zone id). Host bits after the prefix are dropped, as
/// <c>IPAddr</c> masks them.
/// </summary>
public sealed record IpRange
{
    private readonly byte[] _network;

    private IpRange(byte[] network, int prefixLength)
    {
        _network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>Whether the range is an IPv4 one.</summary>
    public bool IsIPv4 => _network.Length == 4;

    /// <summary>Number of leading bits that are the network.</summary>
    public int PrefixLength { get; }

    /// <summary>The network address (host bits zero).</summary>
    public IPAddress Network => new(_network);

    /// <summary>Parses <c>address</c> or <c>address/prefix</c>; false for anything else.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IpRange? range)
    {
        range = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var address))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var maxPrefix = bytes.Length * 8;
        var prefix = maxPrefix;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..].Trim();
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) ||
                !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix)
            {
                return false;
            }
        }

        range = new IpRange(Mask(bytes, prefix), prefix);
        return true;
    }

    /// <summary>
    /// Parses one address, IPv4 (<c>192.0.2.7</c>) or IPv6 (<c>2001:db8::7</c>, <c>[2001:db8::7]</c>,
    /// <c>::ffff:192.0.2.7</c>), with the strictness described on the type.
    /// </summary>
    public static bool TryParseAddress(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var s = text?.Trim();
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        if (s.Contains(':', StringComparison.Ordinal) || s.StartsWith('['))
        {
            if (s.StartsWith('[') && s.EndsWith(']'))
            {
                s = s[1..^1];
            }

            // No zone ids, ports or brackets left: only hex digits, colons and an embedded dotted IPv4 tail.
            if (s.Length == 0 || !s.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') ||
                !IPAddress.TryParse(s, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6;
            return true;
        }

        var octets = s.Split('.');
        if (octets.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var octet = octets[i];
            if (octet.Length is 0 or > 3 || !octet.All(char.IsAsciiDigit) || (octet.Length > 1 && octet[0] == '0') ||
                !byte.TryParse(octet, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="address"/> is in the range. Families must match, except that an IPv4 range also
    /// holds the IPv4-mapped IPv6 form of its addresses (<c>::ffff:192.0.2.7</c>), as GitLab's check does.
    /// </summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IsIPv4 && address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (bytes.Length != _network.Length)
        {
            return false;
        }

        var masked = Mask(bytes, PrefixLength);
        return masked.AsSpan().SequenceEqual(_network);
    }

    /// <summary><c>network/prefix</c>, the form the store keeps.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{PrefixLength}");

    /// <inheritdoc/>
    public bool Equals(IpRange? other) => other is not null && PrefixLength == other.PrefixLength && _network.AsSpan().SequenceEqual(other._network);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(PrefixLength, _network.Length, _network[0], _network[^1]);

    private static byte[] Mask(byte[] bytes, int prefix)
    {
        var masked = (byte[])bytes.Clone();
        for (var i = 0; i < masked.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            masked[i] &= (byte)(0xFF << (8 - keep));
        }

        return masked;
    }
}
