"""HubSpot CRM contacts: batch upsert / update / create by e-mail, batch archive by HubSpot id."""
