package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

const service = "${{ values.name }}"

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "service": service})
}

func routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", healthz)
	return mux
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Printf("%s listening on :%s", service, port)
	log.Fatal(http.ListenAndServe(":"+port, routes()))
}
