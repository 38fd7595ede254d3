// An ESME on the npm smpp package: binds as transceiver, sends one submit_sm, waits for one deliver_sm, unbinds.
// Usage: node esme.js <host> <port> <system_id> <password> <text> [tls]. Prints one line per event; exits 0 when done.
// With tls it connects to ssmpp://, trusting any certificate, and first prints the certificate's subject CN.
'use strict';
const smpp = require('smpp');

const [host, port, systemId, password, message, tls] = process.argv.slice(2);
let submitted = false;
let delivered = false;

const timer = setTimeout(() => {
	console.log('TIMEOUT');
	process.exit(1);
}, 20000);

const session = tls === 'tls'
	? smpp.connect({ url: `ssmpp://${host}:${port}`, rejectUnauthorized: false })
	: smpp.connect({ url: `smpp://${host}:${port}` });
if (tls === 'tls') {
	session.on('secureConnect', () => console.log(`TLS ${session.socket.getPeerCertificate().subject.CN}`));
}

function finishWhenDone() {
	if (submitted && delivered) {
		clearTimeout(timer);
		session.unbind(() => {
			console.log('UNBOUND');
			session.close();
			process.exit(0);
		});
	}
}

session.on('error', error => {
	console.log(`ERROR ${error.message}`);
	process.exit(2);
});
session.on('deliver_sm', pdu => {
	const text = pdu.short_message && pdu.short_message.message !== undefined ? pdu.short_message.message : String(pdu.short_message);
	console.log(`DELIVER_SM ${text}`);
	session.send(pdu.response());
	delivered = true;
	finishWhenDone();
});
session.bind_transceiver({ system_id: systemId, password: password }, bound => {
	console.log(`BIND_RESP ${bound.command_status}`);
	if (bound.command_status !== 0) {
		process.exit(3);
	}
	session.submit_sm({ source_addr: '1234', destination_addr: '5678', short_message: message }, resp => {
		console.log(`SUBMIT_SM_RESP ${resp.command_status} ${resp.message_id}`);
		submitted = true;
		finishWhenDone();
	});
});
