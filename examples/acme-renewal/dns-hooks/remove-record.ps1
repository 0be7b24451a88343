# DNS-01 "cleanUp" hook: removes the record add-record.ps1 made (same JSON on stdin).
$record = [Console]::In.ReadToEnd() | ConvertFrom-Json
$relative = $record.name.Substring(0, $record.name.Length - $record.zone.Length - 1)
Remove-DnsServerResourceRecord -ZoneName $record.zone -RRType Txt -Name $relative -RecordData $record.value -Force -ErrorAction Stop
