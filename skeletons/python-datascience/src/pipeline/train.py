"""Trains the model and logs the run to the ${{ values.experiment }} experiment."""
import argparse

import mlflow


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alpha", type=float, default=0.5)
    args = parser.parse_args()
    mlflow.set_experiment("${{ values.experiment }}")
    with mlflow.start_run():
        mlflow.log_param("alpha", args.alpha)


if __name__ == "__main__":
    main()
