# DNS-01 "present" hook for an Active Directory DNS server. The provider writes the record on
# stdin as JSON ({"name":"_acme-challenge.contoso.com","value":"...","zone":"contoso.com"}),
# never on the command line. Runs where the DnsServer module is installed (RSAT or the DNS server).
$record = [Console]::In.ReadToEnd() | ConvertFrom-Json
$relative = $record.name.Substring(0, $record.name.Length - $record.zone.Length - 1)
Add-DnsServerResourceRecord -ZoneName $record.zone -Txt -Name $relative -DescriptiveText $record.value -TimeToLive (New-TimeSpan -Seconds 60) -ErrorAction Stop
